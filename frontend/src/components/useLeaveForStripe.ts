import type { UseMutationResult } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { useCountdown } from './useCountdown';
import { useLastError } from './useLastError';

interface LeaveOptions {
  /** Where to send the browser (`window.location.assign` in the app, a spy in tests). */
  go: (url: string) => void;
  /** Just before leaving (e.g. remember the status version we leave from). */
  onLeave?: () => void;
  /** The browser's Back brought this page back from the bfcache without a reload (stable). */
  onBack?: () => void;
}

/**
 * A button that asks the server for a single-use Stripe URL and leaves for it at once (an
 * Account Link, an Express dashboard login link). Shared so that every such button behaves
 * alike:
 * - one request per click: a double click mints one URL, and one Stripe page enters history;
 * - busy from the click until the page unloads;
 * - after a 429 or 503 with `Retry-After`, disabled for the wait (`retryAt`, `waiting`);
 * - the last error kept while the merchant tries again (`useLastError`), so it is announced once;
 * - usable again when Back restores the page from the bfcache.
 */
export function useLeaveForStripe<TLink extends { url: string }, TVariables>(
  mutation: UseMutationResult<TLink, Error, TVariables>,
  { go, onLeave, onBack }: LeaveOptions,
) {
  const [leaving, setLeaving] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const secondsLeft = useCountdown(retryAt);
  // Set synchronously on the first click, before React re-renders the button as busy.
  const inFlight = useRef(false);

  const { reset } = mutation;
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) {
        onBack?.();
        inFlight.current = false;
        setLeaving(false);
        reset();
      }
    };
    window.addEventListener('pageshow', onPageShow);
    return () => {
      window.removeEventListener('pageshow', onPageShow);
    };
  }, [reset, onBack]);

  const start = (variables: TVariables) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRetryAt(null);
    mutation.mutate(variables, {
      onSuccess: (link) => {
        setLeaving(true);
        onLeave?.();
        go(link.url);
      },
      onError: (error) => {
        inFlight.current = false;
        if (error instanceof ApiError && (error.status === 429 || error.status === 503) && error.retryAfter) {
          setRetryAt(Date.now() + error.retryAfter * 1000);
        }
      },
    });
  };

  return {
    start,
    pending: mutation.isPending || leaving,
    waiting: secondsLeft > 0,
    retryAt,
    error: useLastError(mutation.error, mutation.isSuccess || mutation.isIdle),
  };
}
