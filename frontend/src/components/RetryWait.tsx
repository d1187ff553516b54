import { useCountdown } from './useCountdown';

export function secondsText(seconds: number): string {
  return `${String(seconds)} second${seconds === 1 ? '' : 's'}`;
}

interface ErrorWithWaitProps {
  id?: string;
  /** What went wrong. Announced once (an alert); it must not contain a ticking number. */
  message: string;
  /** When the server says we may try again (epoch ms, from Retry-After), or null. */
  retryAt: number | null;
  className?: string;
}

/**
 * An inline error, plus the wait the server asked for. The message is in an alert and is
 * announced once; the seconds left tick outside any live region (a live region would re-announce
 * them every second). When the wait is over, "You can try again now." is said once, politely.
 */
export function ErrorWithWait({ id, message, retryAt, className }: ErrorWithWaitProps) {
  const secondsLeft = useCountdown(retryAt);
  const waiting = retryAt !== null && secondsLeft > 0;
  const over = retryAt !== null && secondsLeft === 0;
  return (
    <div id={id} className={['inline-error', 'error-with-wait', className].filter(Boolean).join(' ')}>
      <p role="alert">{message}</p>
      {waiting && (
        <p className="retry-wait">
          You can try again in <span data-testid="retry-countdown">{secondsText(secondsLeft)}</span>.
        </p>
      )}
      <p role="status" className={over ? 'retry-ready' : 'sr-only'}>
        {over ? 'You can try again now.' : ''}
      </p>
    </div>
  );
}
