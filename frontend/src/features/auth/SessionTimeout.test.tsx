import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../../App';
import { resetServerClock, setCsrfToken } from '../../api/client';
import { FakeEventSource } from '../../test/fakeEventSource';
import { jsonResponse, mockFetch, renderWithProviders, status } from '../../test/utils';
import { sessionKey } from './queries';
import { formatClock } from './SessionTimeout';

const merchant = { id: 'm_1', email: 'ada@example.com', business_name: 'Ada Bakery' };
const signedIn = (expiresInMs: number) => ({
  merchant,
  csrf_token: 'csrf-1',
  expires_at: new Date(Date.now() + expiresInMs).toISOString(),
});
const anonymous = { merchant: null, csrf_token: 'anon', expires_at: new Date(Date.now() + 3_600_000).toISOString() };

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** The dashboard with a session the handler describes; returns the session reads made. */
function renderDashboard(sessionAnswer: (read: number) => unknown) {
  let reads = 0;
  const fetchMock = mockFetch((req) => {
    const path = new URL(req.url).pathname;
    if (path === '/api/auth/session') {
      reads += 1;
      return jsonResponse(200, sessionAnswer(reads));
    }
    if (path === '/api/onboarding/status') return jsonResponse(200, status());
    return jsonResponse(404, { title: 'Not Found', status: 404 });
  });
  const { queryClient } = renderWithProviders(
    <>
      <AppRoutes />
      <LocationProbe />
    </>,
    { route: '/onboarding' },
  );
  const sessionReads = () => fetchMock.mock.calls.filter(([r]) => new URL((r as Request).url).pathname === '/api/auth/session').length;
  return { queryClient, sessionReads };
}

describe('SessionTimeout', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    setCsrfToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    resetServerClock();
  });

  it('formats the time left as m:ss', () => {
    expect(formatClock(119)).toBe('1:59');
    expect(formatClock(60)).toBe('1:00');
    expect(formatClock(5)).toBe('0:05');
    expect(formatClock(-3)).toBe('0:00');
  });

  it('warns two minutes before idle expiry; "Stay signed in" reads the session (activity) and the warning goes', async () => {
    // The warning is due a second and a half after the page loads.
    const { sessionReads } = renderDashboard((read) => (read === 1 ? signedIn(121_500) : signedIn(30 * 60_000)));
    await screen.findByRole('heading', { level: 1, name: 'Stripe needs more information' });
    screen.getByRole('button', { name: 'Check now' }).focus();

    const dialog = await screen.findByRole('alertdialog', { name: /^You'll be signed out in (2:00|1:5\d) for inactivity$/ }, { timeout: 3000 });
    expect(dialog).toHaveAccessibleDescription(/sign you out after a while without activity/);
    const stay = screen.getByRole('button', { name: 'Stay signed in' });
    expect(stay).toHaveFocus();
    // The ticking number is in no live region: announced once (with the dialog), not every second.
    const countdown = screen.getByTestId('session-countdown');
    expect(countdown).toHaveAttribute('aria-live', 'off');
    expect(countdown.parentElement?.closest('[role="alert"], [role="status"], [aria-live]')).toBeNull();

    expect(sessionReads()).toBe(1);
    await userEvent.click(stay);
    await waitFor(() => {
      expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    });
    expect(sessionReads()).toBe(2);
    // Focus goes back where it was.
    expect(screen.getByRole('button', { name: 'Check now' })).toHaveFocus();
  });

  it('when the absolute expiry is the limit, says so and offers no "Stay signed in"', async () => {
    const expiresAt = signedIn(119_000);
    renderDashboard(() => expiresAt);
    await userEvent.click(await screen.findByRole('button', { name: 'Stay signed in' }));

    // The read did not move the expiry: nothing the merchant does can.
    const dialog = await screen.findByRole('alertdialog', { name: /^You'll be signed out in 1:5\d$/ });
    expect(dialog).toHaveAccessibleDescription(/staying active won't extend it/);
    expect(screen.queryByRole('button', { name: 'Stay signed in' })).not.toBeInTheDocument();
    const ok = screen.getByRole('button', { name: 'OK' });
    expect(ok).toHaveFocus();
    await userEvent.click(ok);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('knows from an earlier read that the absolute expiry is the limit, before offering anything', async () => {
    // The first read shows 30 minutes left (about the idle timeout); a later one under 2 minutes,
    // although reading it counted as activity: the absolute expiry is what limits the session.
    const { queryClient } = renderDashboard((read) => (read === 1 ? signedIn(30 * 60_000) : signedIn(110_000)));
    await screen.findByRole('heading', { level: 1, name: 'Stripe needs more information' });
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    await queryClient.refetchQueries({ queryKey: sessionKey });
    expect(await screen.findByRole('alertdialog', { name: /^You'll be signed out in 1:[45]\d$/ })).toHaveAccessibleDescription(
      /staying active won't extend it/,
    );
    expect(screen.queryByRole('button', { name: 'Stay signed in' })).not.toBeInTheDocument();
  });

  it('when the session has expired, goes to sign in with `next` back here', async () => {
    renderDashboard((read) => (read === 1 ? signedIn(300) : anonymous));
    await waitFor(
      () => {
        expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fonboarding');
      },
      { timeout: 4000 },
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
  });
});
