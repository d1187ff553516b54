import { Alert } from './Alert';
import { Button } from './Button';

interface LoadErrorProps {
  /** What could not be loaded, as the alert's title ("We couldn't load your account"). */
  title: string;
  error: Error;
  /** A retry is in flight: the button says so and keeps focus. */
  retrying: boolean;
  onRetry: () => void;
}

/** A page's data failed to load: what went wrong, and "Try again". */
export function LoadError({ title, error, retrying, onRetry }: LoadErrorProps) {
  return (
    <div className="load-error">
      <Alert tone="error" title={title}>
        <p>{error.message}</p>
      </Alert>
      <Button variant="secondary" className="btn-sm" pending={retrying} pendingLabel="Trying again…" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
