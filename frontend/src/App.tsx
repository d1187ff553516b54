import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ApiError, setUnauthorizedHandler } from './api/client';
import { PageLoading } from './components/Spinner';
import { useDocumentTitle } from './components/useDocumentTitle';
import { AuthLayout } from './features/auth/AuthLayout';
import { LoginPage } from './features/auth/LoginPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { invalidateSession, useSession } from './features/auth/queries';
import { loginPathFor } from './features/auth/redirects';
import { SignupPage } from './features/auth/SignupPage';
import { AccountPage } from './features/embedded/AccountPage';
import { DashboardPage } from './features/onboarding/DashboardPage';
import { onboardingKey } from './features/onboarding/queries';

const NO_RETRY = new Set([400, 401, 403, 404, 409, 422, 429]);

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => !(error instanceof ApiError && NO_RETRY.has(error.status)) && count < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** Any 401 from a signed-in call: forget the session and go to sign-in, then come back here. */
function SessionExpiryRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const here = useRef(location);
  useEffect(() => {
    here.current = location;
  }, [location]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      const { pathname } = here.current;
      if (pathname === '/login' || pathname === '/signup') return;
      queryClient.removeQueries({ queryKey: onboardingKey });
      void invalidateSession(queryClient);
      void navigate(loginPathFor(here.current), { replace: true });
    });
    return () => {
      setUnauthorizedHandler(null);
    };
  }, [navigate, queryClient]);
  return null;
}

/** Move focus to the new page's main region on navigation, for keyboard and screen-reader users. */
function FocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: false });
  }, [pathname]);
  return null;
}

function HomeRedirect() {
  const session = useSession();
  if (session.isPending) return <PageLoading />;
  return <Navigate to={session.data?.merchant ? '/onboarding' : '/login'} replace />;
}

function NotFound() {
  useDocumentTitle('Page not found');
  return (
    <AuthLayout title="Page not found" intro="There's nothing at this address.">
      <p>
        <Link to="/">Go to your dashboard</Link>
      </p>
    </AuthLayout>
  );
}

export function AppRoutes() {
  return (
    <>
      <SessionExpiryRedirect />
      <FocusOnNavigate />
      <Routes>
        <Route path="/" element={<HomeRedirect />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignupPage />} />
        <Route element={<RequireAuth />}>
          <Route path="/onboarding" element={<DashboardPage />} />
          <Route path="/account" element={<AccountPage />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Routes>
    </>
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
