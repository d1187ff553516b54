import { useId } from 'react';
import { ApiError } from '../../api/client';
import type { NextAction } from '../../api/types';
import { Button } from '../../components/Button';
import { ErrorWithWait } from '../../components/RetryWait';
import { useLeaveForStripe } from '../../components/useLeaveForStripe';
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
  const { start, pending, waiting, retryAt, error } = useLeaveForStripe(useCreateOnboardingLink(), {
    go,
    onLeave: () => {
      markDeparture(version);
    },
    // Back without going through /connect/return: there is no return to confirm.
    onBack: clearDeparture,
  });
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
          start({
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
