import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorWithWait } from '../../components/RetryWait';
import { useCountdown } from '../../components/useCountdown';
import { useLastError } from '../../components/useLastError';
import { useDashboardLink } from './queries';

export function dashboardErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.status === 429) {
    return error.retryAfter ? 'Too many attempts. Please wait a moment, then try again.' : 'Too many attempts. Please try again shortly.';
  }
  if (error.status === 503) {
    return error.retryAfter ? 'Stripe is temporarily unavailable.' : 'Stripe is temporarily unavailable. Please try again.';
  }
  // `no-express-dashboard` and the rest: the server's own words (`detail`).
  return error.message;
}

interface DashboardButtonProps {
  /** Where to send the browser; `window.location.assign` unless a test says otherwise. */
  go?: (url: string) => void;
}

/** "Open Stripe dashboard" for Express accounts: a single-use login link, followed at once. */
export function DashboardButton({ go = (url) => window.location.assign(url) }: DashboardButtonProps) {
  const errorId = useId();
  const [leaving, setLeaving] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const secondsLeft = useCountdown(retryAt);
  const inFlight = useRef(false);
  const mutation = useDashboardLink({
    onSuccess: (link) => {
      setLeaving(true);
      // Followed at once, kept nowhere.
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
  // Back from the dashboard restores this page from the bfcache: the button works again.
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) {
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
  const error = useLastError(mutation.error, mutation.isSuccess || mutation.isIdle);
  const pending = mutation.isPending || leaving;
  return (
    <div className="dashboard-action">
      <Button
        variant="secondary"
        pending={pending}
        pendingLabel="Opening Stripe…"
        disabled={pending || secondsLeft > 0}
        aria-describedby={error ? errorId : undefined}
        onClick={() => {
          if (inFlight.current) return;
          inFlight.current = true;
          setRetryAt(null);
          mutation.mutate();
        }}
      >
        Open Stripe dashboard
      </Button>
      {error && <ErrorWithWait id={errorId} message={dashboardErrorMessage(error)} retryAt={retryAt} />}
    </div>
  );
}
