/**
 * Warns before the session ends, and keeps our idea of when that is honest.
 *
 * The session's `expires_at` is when it ends if left idle, capped by its absolute expiry. The
 * server counts every signed-in request as activity (writing it at most once a minute); the
 * status stream does not count. So:
 * - after a signed-in request, a session read older than 30 s is refreshed (its `expires_at`
 *   may have moved); the session endpoint itself counts as activity, so it is never polled;
 * - two minutes before `expires_at`, a dialog counts down, with "Stay signed in", which reads
 *   the session (that is the activity that extends it);
 * - when `expires_at` is the absolute expiry, nothing can extend it: the dialog says so and
 *   offers no "Stay signed in". We know it is when a read shows less time left than an earlier
 *   read did, by more than the server's one-minute write interval, or when "Stay signed in"
 *   leaves the merchant inside the warning window;
 * - at `expires_at` the session is read again: signed out, `RequireAuth` goes to sign-in with
 *   `next` back here.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { onAuthenticatedActivity, serverClockOffset, serverNow } from '../../api/client';
import { Button } from '../../components/Button';
import { sessionKey, useSession } from './queries';

export const WARN_BEFORE_MS = 2 * 60_000;
const RESYNC_AFTER_ACTIVITY_MS = 30_000;
/** The server writes `last_seen_at` at most once a minute; plus a little clock noise. */
const TOUCH_SLACK_MS = 65_000;
/** Longest sleep before re-reading the clock (a laptop may sleep; the offset may change). */
const MAX_SLEEP_MS = 60_000;
const EXPIRY_GRACE_MS = 1_000;

export function formatClock(seconds: number): string {
  const s = Math.max(0, seconds);
  return `${String(Math.floor(s / 60))}:${String(s % 60).padStart(2, '0')}`;
}

interface Learned {
  merchantId: string;
  dataUpdatedAt: number;
  /** The most time left any read has shown: about the idle timeout. */
  longest: number;
  absolute: boolean;
}

function learn(previous: Learned | null, merchantId: string, expiresAt: number, dataUpdatedAt: number): Learned {
  const left = expiresAt - (dataUpdatedAt + serverClockOffset());
  if (previous?.merchantId !== merchantId) return { merchantId, dataUpdatedAt, longest: left, absolute: false };
  const longest = Math.max(previous.longest, left);
  return { merchantId, dataUpdatedAt, longest, absolute: left < longest - TOUCH_SLACK_MS };
}

/** Milliseconds until `deadline` (server clock), re-read each second once within `tickWithinMs`. */
function useMsLeft(deadline: number | null, tickWithinMs: number): number | null {
  const [now, setNow] = useState(() => serverNow());
  useEffect(() => {
    if (deadline === null) return;
    let timer: number | undefined;
    const tick = () => {
      const t = serverNow();
      setNow(t);
      const left = deadline - t;
      if (left <= 0) return;
      const next = left > tickWithinMs ? Math.min(MAX_SLEEP_MS, left - tickWithinMs) : left % 1000 || 1000;
      timer = window.setTimeout(tick, next);
    };
    timer = window.setTimeout(tick, 0);
    return () => {
      window.clearTimeout(timer);
    };
  }, [deadline, tickWithinMs]);
  return deadline === null ? null : deadline - now;
}

export function SessionTimeout() {
  const queryClient = useQueryClient();
  const session = useSession();
  const titleId = useId();
  const textId = useId();
  const buttonId = useId();

  const merchantId = session.data?.merchant?.id ?? null;
  const parsed = session.data?.merchant ? Date.parse(session.data.expires_at) : NaN;
  const expiresAt = Number.isNaN(parsed) ? null : parsed;

  const [learned, setLearned] = useState<Learned | null>(null);
  if (merchantId !== null && expiresAt !== null && learned?.dataUpdatedAt !== session.dataUpdatedAt) {
    setLearned(learn(learned, merchantId, expiresAt, session.dataUpdatedAt));
  }
  // Or a "Stay signed in" just now did not get the merchant out of the warning window.
  const [cappedAt, setCappedAt] = useState<number | null>(null);
  const absolute = (learned?.absolute ?? false) || (cappedAt !== null && cappedAt === expiresAt);

  // Activity elsewhere (a status poll, a sync) moves the idle expiry: re-read it, at most every 30 s.
  useEffect(
    () =>
      onAuthenticatedActivity(() => {
        const state = queryClient.getQueryState(sessionKey);
        if (!state || state.fetchStatus !== 'idle' || Date.now() - state.dataUpdatedAt < RESYNC_AFTER_ACTIVITY_MS) return;
        void queryClient.refetchQueries({ queryKey: sessionKey, exact: true });
      }),
    [queryClient],
  );

  const left = useMsLeft(expiresAt, WARN_BEFORE_MS);
  const expired = left !== null && left <= 0;
  useEffect(() => {
    if (!expired) return;
    // Ask the server; signed out, RequireAuth sends the merchant to sign in and back.
    const timer = window.setTimeout(() => {
      void queryClient.refetchQueries({ queryKey: sessionKey, exact: true });
    }, EXPIRY_GRACE_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [expired, queryClient]);

  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [staying, setStaying] = useState(false);
  const [stayError, setStayError] = useState<string | null>(null);
  const visible = left !== null && left <= WARN_BEFORE_MS && !(absolute && dismissedAt === expiresAt);

  // Into the dialog when it opens (and onto its new button if it changes); back when it closes.
  // A layout effect, so focus moves in the same commit that shows the dialog: a passive effect
  // can run a frame later, after a screen reader (or a test) has already looked.
  const returnFocus = useRef<Element | null>(null);
  useLayoutEffect(() => {
    if (visible) {
      returnFocus.current ??= document.activeElement;
      document.getElementById(buttonId)?.focus();
      return;
    }
    const back = returnFocus.current;
    returnFocus.current = null;
    if (back instanceof HTMLElement && back.isConnected && back !== document.body) back.focus();
    else if (back) document.getElementById('main')?.focus();
  }, [visible, absolute, buttonId]);

  if (!visible) return null;

  const seconds = Math.ceil(Math.max(0, left) / 1000);
  const stay = async () => {
    setStaying(true);
    setStayError(null);
    // The session read is itself the activity that extends the session.
    const result = await session.refetch();
    setStaying(false);
    if (result.isError) {
      setStayError("We couldn't reach the server. Please try again.");
      return;
    }
    const next = result.data?.merchant ? Date.parse(result.data.expires_at) : NaN;
    if (next - serverNow() <= WARN_BEFORE_MS) setCappedAt(next);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      primary();
    }
  };
  const primary = absolute
    ? () => {
        setDismissedAt(expiresAt);
      }
    : () => void stay();

  return (
    <section
      className="session-timeout"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={titleId}
      aria-describedby={textId}
      data-testid="session-timeout"
    >
      <h2 id={titleId} className="session-timeout-title">
        You'll be signed out in{' '}
        <span className="countdown" aria-live="off" data-testid="session-countdown">
          {formatClock(seconds)}
        </span>
        {absolute ? '' : ' for inactivity'}
      </h2>
      <p id={textId} className="session-timeout-text">
        {absolute
          ? "Your session has lasted as long as a session can, so staying active won't extend it. Save anything you're working on; you'll need to sign in again."
          : "For your security, we sign you out after a while without activity. Live updates on this page don't count."}
      </p>
      {stayError && (
        <p className="inline-error" role="alert">
          {stayError}
        </p>
      )}
      <div className="session-timeout-actions">
        {absolute ? (
          <Button id={buttonId} onClick={primary} onKeyDown={onKeyDown}>
            OK
          </Button>
        ) : (
          <Button id={buttonId} pending={staying} pendingLabel="Staying signed in…" onClick={primary} onKeyDown={onKeyDown}>
            Stay signed in
          </Button>
        )}
      </div>
    </section>
  );
}
