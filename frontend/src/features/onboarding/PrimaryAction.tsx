import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { NextAction } from '../../api/types';
import { Button } from '../../components/Button';
import { ErrorWithWait } from '../../components/RetryWait';
import { useCountdown } from '../../components/useCountdown';
import { useLastError } from '../../components/useLastError';
import { clearDeparture, markDeparture } from './departure';
import { useCreateOnboardingLink } from './queries';

/**
 * What went wrong minting a link, in words that do not change while the merchant waits: the
 * seconds left are shown next to it, outside the live region (see `ErrorWithWait`).
 */
export function linkErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.status) {
    case 429:
      return error.retryAfter ? 'Too many attempts. Please wait a moment, then try again.' : 'Too many attempts. Please try again shortly.';
    case 503:
      return error.retryAfter ? 'Stripe is temporarily unavailable.' : 'Stripe is temporarily unavailable. Please try again.';
    case 404:
      return 'Create your Stripe account first.';
    default:
      return error.message;
  }
}

interface PrimaryActionProps {
  action: NextAction;
  /** The status version we leave from; the return view waits for a newer one. */
  version?: number | null;
  /** Where to send the browser; `window.location.assign` unless a test says otherwise. */
  go?: (url: string) => void;
  /** Quieter styling when nothing is urgent (e.g. "Update your information" once complete). */
  quiet?: boolean;
}

/** The one button `next_action` calls for: mints an Account Link and leaves for Stripe. */
export function PrimaryAction({
  action,
  version = null,
  go = (url) => window.location.assign(url),
  quiet = false,
}: PrimaryActionProps) {
  const errorId = useId();
  const [leaving, setLeaving] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const secondsLeft = useCountdown(retryAt);
  // Set synchronously on the first click, before React re-renders the button as busy, so a
  // double click mints one link and only one Stripe page enters the history.
  const inFlight = useRef(false);

  const mutation = useCreateOnboardingLink({
    onMutate: () => {
      setRetryAt(null);
    },
    onSuccess: (link) => {
      setLeaving(true);
      markDeparture(version);
      go(link.url);
    },
    onError: (error) => {
      inFlight.current = false;
      if (error instanceof ApiError && (error.status === 429 || error.status === 503) && error.retryAfter) {
        setRetryAt(Date.now() + error.retryAfter * 1000);
      }
    },
  });

  const { reset } = mutation;
  // Coming back with the browser's Back button restores this page from the bfcache.
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) {
        // Back without going through /connect/return: there is no return to confirm.
        clearDeparture();
        inFlight.current = false;
        setLeaving(false);
        reset();
      }
    };
    window.addEventListener('pageshow', onPageShow);
    return () => {
      window.removeEventListener('pageshow', onPageShow);
    };
  }, [reset]);

  const pending = mutation.isPending || leaving;
  const waiting = secondsLeft > 0;
  // Kept while the merchant tries again, so the alert is not unmounted and re-announced.
  const error = useLastError(mutation.error, mutation.isSuccess || mutation.isIdle);
  const showError = error !== null;

  return (
    <div className="primary-action">
      <Button
        variant={quiet ? 'secondary' : 'primary'}
        className="btn-lg"
        pending={pending}
        pendingLabel="Opening Stripe…"
        disabled={pending || waiting}
        aria-describedby={showError ? errorId : undefined}
        onClick={() => {
          if (inFlight.current) return;
          inFlight.current = true;
          mutation.mutate({
            use_case: action.use_case,
            collect: action.collect,
            future_requirements: action.future_requirements,
          });
        }}
      >
        {action.label}
      </Button>
      {showError && <ErrorWithWait id={errorId} message={linkErrorMessage(error)} retryAt={retryAt} />}
      {!showError && !pending && <p className="action-hint">You'll continue on Stripe's secure site and come back here.</p>}
    </div>
  );
}
