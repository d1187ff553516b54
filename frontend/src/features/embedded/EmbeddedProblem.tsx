import { useId } from 'react';
import { Button } from '../../components/Button';
import { ErrorWithWait } from '../../components/RetryWait';
import { useCountdown } from '../../components/useCountdown';
import { useLastError } from '../../components/useLastError';
import { linkErrorMessage } from '../onboarding/PrimaryAction';
import { retryAtOf, type Embedded } from './EmbeddedProvider';

/**
 * Why Stripe's embedded form did not load, and "Try again". The alert stays mounted while the
 * merchant tries again (it is announced once); a wait the server asked for ticks outside it.
 * Renders nothing when there is nothing to say.
 */
export function EmbeddedProblem({ embedded, what }: { embedded: Embedded; what: string }) {
  const errorId = useId();
  const failed = embedded.phase === 'failed';
  const error = useLastError(failed ? embedded.error : null, embedded.phase === 'ready' || embedded.phase === 'off');
  const retryAt = error ? retryAtOf(error) : null;
  const secondsLeft = useCountdown(retryAt);
  if (!error) return null;
  return (
    <div className="embedded-problem">
      <p className="embedded-problem-title">We couldn't load {what}</p>
      <ErrorWithWait id={errorId} message={linkErrorMessage(error)} retryAt={retryAt} />
      <Button
        variant="secondary"
        className="btn-sm"
        pending={!failed}
        pendingLabel="Trying again…"
        disabled={!failed || secondsLeft > 0}
        aria-describedby={errorId}
        onClick={() => {
          if (embedded.phase === 'failed') embedded.retry();
        }}
      >
        Try again
      </Button>
    </div>
  );
}
