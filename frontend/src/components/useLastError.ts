import { useState } from 'react';

/**
 * The error to show for something that is retried (a poll, a query's own retries, a "Try again").
 *
 * A query or mutation forgets its error while it retries, so an alert rendered from it unmounts
 * and remounts on every attempt: it flickers, and screen readers announce it again each time.
 * This keeps the last error while a retry is in flight, so the alert stays mounted and is
 * announced once. It changes only when an attempt fails with a different message (which is then
 * announced, as a change inside the same live region), and clears once `cleared` (success).
 */
export function useLastError(error: Error | null, cleared: boolean): Error | null {
  const [shown, setShown] = useState<Error | null>(null);
  if (cleared) {
    if (shown !== null) setShown(null);
    return null;
  }
  if (error !== null && (shown === null || shown.message !== error.message)) {
    setShown(error);
    return error;
  }
  return shown;
}
