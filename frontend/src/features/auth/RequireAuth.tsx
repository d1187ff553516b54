import { Navigate, Outlet, useLocation } from 'react-router';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { PageLoading } from '../../components/Spinner';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useFocusRescue } from '../../components/useFocusRescue';
import { useLastError } from '../../components/useLastError';
import { EmbeddedProvider } from '../embedded/EmbeddedProvider';
import { AuthLayout } from './AuthLayout';
import { useSession } from './queries';
import { loginPathFor } from './redirects';
import { SessionTimeout } from './SessionTimeout';

function SessionLoadError({ message, retrying, onRetry }: { message: string; retrying: boolean; onRetry: () => void }) {
  useDocumentTitle("We couldn't load your session");
  return (
    <AuthLayout title="Something went wrong">
      <Alert tone="error" title="We couldn't load your session">
        <p>{message}</p>
      </Alert>
      <Button variant="secondary" pending={retrying} pendingLabel="Retrying…" onClick={onRetry}>
        Retry
      </Button>
    </AuthLayout>
  );
}

/**
 * Protects every signed-in screen: no merchant in the session → sign in, then come back.
 * While signed in, warns before the session times out (`SessionTimeout`).
 */
export function RequireAuth() {
  const location = useLocation();
  const session = useSession();
  // Kept while "Retry" runs, so the alert stays put and is announced once.
  const error = useLastError(session.error, session.isSuccess);
  // After a successful retry the button is gone: focus the page, not <body>.
  useFocusRescue('main');

  // A failed background refresh of a session we already know keeps the screen as it is.
  if (!session.data) {
    if (error) {
      return (
        <SessionLoadError
          message={error.message}
          retrying={session.isFetching}
          onRetry={() => {
            void session.refetch();
          }}
        />
      );
    }
    return <PageLoading />;
  }
  if (!session.data.merchant) return <Navigate to={loginPathFor(location)} replace />;
  return (
    <EmbeddedProvider>
      <Outlet />
      <SessionTimeout />
    </EmbeddedProvider>
  );
}
