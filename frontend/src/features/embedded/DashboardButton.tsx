import { useId } from 'react';
import { ApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { ErrorWithWait } from '../../components/RetryWait';
import { useLeaveForStripe } from '../../components/useLeaveForStripe';
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
  // Followed at once, kept nowhere.
  const { start, pending, waiting, retryAt, error } = useLeaveForStripe(useDashboardLink(), { go });
  return (
    <div className="dashboard-action">
      <Button
        variant="secondary"
        pending={pending}
        pendingLabel="Opening Stripe…"
        disabled={pending || waiting}
        aria-describedby={error ? errorId : undefined}
        onClick={() => {
          start();
        }}
      >
        Open Stripe dashboard
      </Button>
      {error && <ErrorWithWait id={errorId} message={dashboardErrorMessage(error)} retryAt={retryAt} />}
    </div>
  );
}
