import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '../../test/utils';
import { LoginPage } from './LoginPage';

const anonymous = { merchant: null, csrf_token: 'anon-csrf', expires_at: '2027-03-03T12:00:00Z' };
const signedIn = {
  merchant: { id: 'm_1', email: 'ada@example.com', business_name: 'Ada Bakery' },
  csrf_token: 'fresh-csrf',
  expires_at: '2027-03-03T12:00:00Z',
};

function renderLogin(route = '/login', login: (req: Request) => Response | Promise<Response> = () => jsonResponse(200, signedIn)) {
  const fetchMock = mockFetch((req) => {
    const path = new URL(req.url).pathname;
    if (path === '/api/auth/session') return jsonResponse(200, anonymous);
    if (path === '/api/auth/login') return login(req);
    return jsonResponse(404, { title: 'Not Found', status: 404 });
  });
  renderWithProviders(
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/onboarding" element={<p>Dashboard here</p>} />
      <Route path="/elsewhere" element={<p>Elsewhere</p>} />
    </Routes>,
    { route },
  );
  return fetchMock;
}

describe('LoginPage', () => {
  it('validates before sending: empty fields and a malformed email', async () => {
    const fetchMock = renderLogin();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));

    const email = screen.getByLabelText('Email');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Enter your email address.');
    expect(email).toHaveFocus();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password.');

    await user.type(email, 'not-an-email');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(email).toHaveAccessibleDescription('Enter an email address like name@example.com.');

    const logins = fetchMock.mock.calls.filter(([r]) => (r as Request).url.endsWith('/api/auth/login'));
    expect(logins).toHaveLength(0);
  });

  it('shows the generic 401 message inline', async () => {
    renderLogin('/login', () =>
      jsonResponse(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Invalid email or password' }),
    );
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password');
  });

  it('on 429 says how long to wait', async () => {
    renderLogin('/login', () => jsonResponse(429, { title: 'Too Many Requests', status: 429 }, { 'Retry-After': '60' }));
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'whatever');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Please try again in 60 seconds.');
  });

  it('sends the CSRF token from the session and goes back to `next` after signing in', async () => {
    let seen: Request | undefined;
    renderLogin('/login?next=%2Felsewhere', (req) => {
      seen = req;
      return jsonResponse(200, signedIn);
    });
    const user = userEvent.setup();
    expect(await screen.findByText('Please sign in to continue.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Elsewhere')).toBeInTheDocument();
    await waitFor(() => {
      expect(seen?.headers.get('X-CSRF-Token')).toBe('anon-csrf');
    });
    expect(await seen?.json()).toEqual({ email: 'ada@example.com', password: 'correct horse' });
  });

  it('refuses an off-site `next`', async () => {
    renderLogin('/login?next=%2F%2Fevil.example%2F');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Dashboard here')).toBeInTheDocument();
  });

  it('keeps keyboard focus on "Sign in" while signing in (busy, not disabled) and sends one request', async () => {
    let release: () => void = () => undefined;
    const fetchMock = renderLogin('/login', async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return jsonResponse(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Invalid email or password' });
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong password');
    await user.tab();
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveFocus();
    await user.keyboard('{Enter}');

    const busy = await screen.findByRole('button', { name: 'Signing in…' });
    expect(busy).toHaveFocus();
    expect(busy).toHaveAttribute('aria-disabled', 'true');
    expect(busy).not.toBeDisabled();
    await user.keyboard('{Enter}');
    release();
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveFocus();
    const logins = fetchMock.mock.calls.filter(([r]) => (r as Request).url.endsWith('/api/auth/login'));
    expect(logins).toHaveLength(1);
  });
});
