import { useRef, useState, type SubmitEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { PageLoading } from '../../components/Spinner';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { AuthLayout } from './AuthLayout';
import { useSession, useSignup } from './queries';
import { safeNext } from './redirects';
import {
  fieldErrorsFromProblem,
  validateBusinessName,
  validateEmail,
  validateNewPassword,
  type FieldErrors,
} from './validation';

export function SignupPage() {
  useDocumentTitle('Create your account');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const navigate = useNavigate();
  const [businessName, setBusinessName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const businessRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const focusFirst = (found: FieldErrors) => {
    const first = (['business_name', 'email', 'password'] as const).find((k) => found[k]);
    const target = { business_name: businessRef, email: emailRef, password: passwordRef };
    if (first) target[first].current?.focus();
    return Boolean(first);
  };

  const mutation = useSignup({
    onSuccess: () => {
      void navigate(next, { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        if (error.status === 409 || error.hasType('email-taken')) {
          const found = { email: 'An account with this email already exists.' };
          setErrors(found);
          setFormError(null);
          focusFirst(found);
          return;
        }
        const found = fieldErrorsFromProblem(error.problem.errors);
        setErrors(found);
        setFormError(error.message);
        focusFirst(found);
        return;
      }
      setFormError('Something went wrong. Please try again.');
    },
  });

  if (session.isPending) return <PageLoading />;
  if (session.data?.merchant && !mutation.isSuccess) return <Navigate to={next} replace />;

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    setFormError(null);
    const found: FieldErrors = {
      business_name: validateBusinessName(businessName),
      email: validateEmail(email),
      password: validateNewPassword(password),
    };
    setErrors(found);
    if (focusFirst(found)) return;
    mutation.mutate({ email: email.trim(), password, business_name: businessName.trim() });
  };

  return (
    <AuthLayout
      title="Create your account"
      intro="Set up your merchant account, then connect with Stripe to start getting paid."
      footer={
        <p>
          Already have an account? <Link to={`/login${params.toString() ? `?${params.toString()}` : ''}`}>Sign in</Link>
        </p>
      }
    >
      {formError && <Alert tone="error">{formError}</Alert>}
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Create your account">
        <TextField
          ref={businessRef}
          label="Business name"
          name="business_name"
          autoComplete="organization"
          value={businessName}
          onChange={(e) => {
            setBusinessName(e.target.value);
          }}
          error={errors.business_name}
          required
        />
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
          error={
            errors.email && mutation.error instanceof ApiError && mutation.error.status === 409 ? (
              <>
                {errors.email} <Link to="/login">Sign in instead</Link>.
              </>
            ) : (
              errors.email
            )
          }
          required
        />
        <TextField
          ref={passwordRef}
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters. A passphrase of a few words works well."
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          error={errors.password}
          required
        />
        <Button type="submit" pending={mutation.isPending} pendingLabel="Creating account…" className="btn-block">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
