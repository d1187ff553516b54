import { Navigate, Outlet, useLocation } from 'react-router';
import { Alert } from '../../components/Alert';
import { PageLoading } from '../../components/Spinner';
import { useSession } from './queries';
import { loginPathFor } from './redirects';

/** Protects every signed-in screen: no merchant in the session → sign in, then come back. */
export function RequireAuth() {
  const location = useLocation();
  const session = useSession();
  if (session.isPending) return <PageLoading />;
  if (session.isError) {
    return (
      <main className="page narrow" id="main">
        <Alert tone="error" title="We couldn't load your session">
          {session.error.message}
        </Alert>
      </main>
    );
  }
  if (!session.data.merchant) return <Navigate to={loginPathFor(location)} replace />;
  return <Outlet />;
}
