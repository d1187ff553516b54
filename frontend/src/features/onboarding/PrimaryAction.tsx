import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { NextAction } from '../../api/types';
import { Button } from '../../components/Button';
import { useCountdown } from '../../components/useCountdown';
import { markDeparture } from './departure';
import { useCreateOnboardingLink } from './queries';

export function linkErrorMessage(error: unknown, secondsLeft: number): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.status) {
    case 429:
      return secondsLeft > 0
        ? `Too many attempts. Please wait ${String(secondsLeft)} second${secondsLeft === 1 ? '' : 's'}, then try again.`
        : 'Too many attempts. You can try again now.';
    case 503:
      return secondsLeft > 0
        ? `Stripe is temporarily unavailable. Please try again in ${String(secondsLeft)} second${secondsLeft === 1 ? '' : 's'}.`
        : 'Stripe is temporarily unavailable. Please try again.';
    case 404:
      return 'Create your Stripe account first.';
    case 0:
      return error.message;
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
  // Set synchronously on the first click, before React re-renders the button as disabled, so a
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
  const showError = mutation.isError;

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
      {showError && (
        <p id={errorId} className="inline-error" role="alert">
          {linkErrorMessage(mutation.error, secondsLeft)}
        </p>
      )}
      {!showError && !pending && <p className="action-hint">You'll continue on Stripe's secure site and come back here.</p>}
    </div>
  );
}
