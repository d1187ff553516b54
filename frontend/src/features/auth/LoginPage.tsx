import { useRef, useState, type SubmitEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { PageLoading } from '../../components/Spinner';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { AuthLayout } from './AuthLayout';
import { useLogin, useSession } from './queries';
import { safeNext } from './redirects';
import { validateEmail, validatePassword, type FieldErrors } from './validation';

export function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter ? ` in ${String(error.retryAfter)} seconds` : ' in a little while';
      return `Too many sign-in attempts. Please try again${wait}.`;
    }
    if (error.status === 401) return error.problem.detail ?? 'Invalid email or password.';
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

export function LoginPage() {
  useDocumentTitle('Sign in');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const mutation = useLogin({
    onSuccess: () => {
      void navigate(next, { replace: true });
    },
  });

  if (session.isPending) return <PageLoading />;
  if (session.data?.merchant && !mutation.isSuccess) return <Navigate to={next} replace />;

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    const found: FieldErrors = { email: validateEmail(email), password: validatePassword(password) };
    setErrors(found);
    if (found.email) {
      emailRef.current?.focus();
      return;
    }
    if (found.password) {
      passwordRef.current?.focus();
      return;
    }
    mutation.mutate({ email: email.trim(), password });
  };

  const expired = params.get('next') !== null;

  return (
    <AuthLayout
      title="Sign in"
      intro="Welcome back. Sign in to manage your payments onboarding."
      footer={
        <p>
          New here? <Link to={`/signup${params.toString() ? `?${params.toString()}` : ''}`}>Create an account</Link>
        </p>
      }
    >
      {expired && !mutation.isError && (
        <Alert tone="info" role="status">
          Please sign in to continue.
        </Alert>
      )}
      {mutation.isError && <Alert tone="error">{loginErrorMessage(mutation.error)}</Alert>}
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Sign in">
        <TextField
          ref={emailRef}
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
          }}
          error={errors.email}
          required
        />
        <TextField
          ref={passwordRef}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          error={errors.password}
          required
        />
        <Button type="submit" pending={mutation.isPending} pendingLabel="Signing in…" className="btn-block">
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
