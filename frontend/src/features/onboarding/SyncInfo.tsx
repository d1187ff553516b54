import { useEffect, useState } from 'react';
import { ApiError, serverNow } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorWithWait } from '../../components/RetryWait';
import { useLastError } from '../../components/useLastError';
import { timeAgo } from './dates';
import { useSyncStatus } from './queries';
import type { StreamMode } from './useStatusStream';

/** Now by the server's clock, refreshed every `intervalMs` (so "2 minutes ago" keeps aging). */
function useServerNow(intervalMs: number): Date {
  const [now, setNow] = useState(() => new Date(serverNow()));
  useEffect(() => {
    const t = window.setInterval(() => {
      setNow(new Date(serverNow()));
    }, intervalMs);
    return () => {
      window.clearInterval(t);
    };
  }, [intervalMs]);
  return now;
}

export type Connection = StreamMode | 'failing';

const CONNECTION_TEXT: Record<Connection, string> = {
  live: 'Live updates on',
  connecting: 'Connecting for live updates…',
  polling: 'Reconnecting — refreshing every few seconds',
  failing: "Can't reach the server — retrying",
};

/**
 * What the page knows about how fresh it is. `failing` (the last status request failed) wins
 * over the stream's own mode: an open stream says nothing about whether the server answers.
 */
export function connectionOf(mode: StreamMode, failing: boolean): Connection {
  return failing ? 'failing' : mode;
}

interface SyncInfoProps {
  /** When the BFF last read the account from Stripe successfully (from the last status we got). */
  syncedAt: string | null;
  mode: StreamMode;
  /** The last attempt to read the status failed (and the page keeps retrying). */
  failing: boolean;
  canSync: boolean;
  /** Back from Stripe, unconfirmed: that check was before the merchant came back. */
  beforeReturn?: boolean;
}

export function SyncInfo({ syncedAt, mode, failing, canSync, beforeReturn = false }: SyncInfoProps) {
  const now = useServerNow(15_000);
  const sync = useSyncStatus();
  const connection = connectionOf(mode, failing);
  const ago = timeAgo(syncedAt, now);

  // Say it once when the server stops answering, and once when it answers again; the visible
  // line is not a live region, so reconnection attempts are not read out.
  const [wasFailing, setWasFailing] = useState(failing);
  const [announcement, setAnnouncement] = useState('');
  if (failing !== wasFailing) {
    setWasFailing(failing);
    setAnnouncement(failing ? "Can't reach the server. This page keeps retrying." : 'Connected to the server again.');
  }

  const [retryAt, setRetryAt] = useState<number | null>(null);
  const error = useLastError(sync.error, sync.isSuccess || sync.isIdle);
  let message: string | null = null;
  if (error instanceof ApiError && error.status === 429) {
    message = error.retryAfter ? 'Checked with Stripe very recently.' : 'Checked with Stripe very recently. Try again shortly.';
  } else if (error) {
    message = error.message;
  }

  return (
    <div className="sync-info">
      <p className="sync-line">
        <span className={`live-dot live-${connection}`} aria-hidden="true" />
        <span data-testid="stream-mode" data-mode={mode} data-connection={connection}>
          {CONNECTION_TEXT[connection]}
        </span>
        {ago && (
          <>
            <span aria-hidden="true"> · </span>
            <span data-testid="last-checked">
              Last checked with Stripe {ago}
              {beforeReturn && ' (before you came back)'}
            </span>
          </>
        )}
      </p>
      <p className="sr-only" role="status" data-testid="connection-announcer">
        {announcement}
      </p>
      {canSync && (
        <Button
          variant="ghost"
          className="btn-sm"
          pending={sync.isPending}
          pendingLabel="Checking…"
          onClick={() => {
            setRetryAt(null);
            sync.mutate(undefined, {
              onError: (e) => {
                if (e instanceof ApiError && e.retryAfter) setRetryAt(Date.now() + e.retryAfter * 1000);
              },
            });
          }}
        >
          Check now
        </Button>
      )}
      {message && <ErrorWithWait message={message} retryAt={retryAt} />}
    </div>
  );
}
