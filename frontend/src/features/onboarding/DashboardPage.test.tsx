import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../../App';
import { setCsrfToken } from '../../api/client';
import { FakeEventSource } from '../../test/fakeEventSource';
import type { OnboardingStatus } from '../../api/types';
import { capability, jsonResponse, mockFetch, nextAction, renderWithProviders, requirement, status } from '../../test/utils';
import { markDeparture } from './departure';

const session = {
  merchant: { id: 'm_1', email: 'ada@example.com', business_name: 'Ada Bakery' },
  csrf_token: 'csrf-1',
  expires_at: '2027-03-03T12:00:00Z',
};
const anonymous = { merchant: null, csrf_token: 'anon', expires_at: '2027-03-03T12:00:00Z' };

// States as the server words them (backend/gangway/onboarding/copy.py).
const VERIFYING: Partial<OnboardingStatus> = {
  state: 'pending_verification',
  headline: 'Stripe is verifying your information',
  detail: 'Nothing to do right now. This page updates on its own when Stripe finishes.',
  tone: 'info',
  next_action: null,
};
const COMPLETE: Partial<OnboardingStatus> = {
  state: 'complete',
  headline: 'Onboarding complete',
  detail: 'Your account is set up. You can accept card payments and receive payouts.',
  tone: 'success',
  next_action: null,
};
const NO_ACCOUNT: Partial<OnboardingStatus> = {
  state: 'no_account',
  headline: 'Set up payments',
  detail: 'Create your Stripe account to start accepting card payments and receiving payouts.',
  tone: 'neutral',
  next_action: null,
};
const NOT_STARTED: Partial<OnboardingStatus> = {
  state: 'not_started',
  headline: 'Onboarding not started',
  detail: 'Stripe needs some details about you and your business before you can accept payments.',
  tone: 'info',
  next_action: nextAction('start', 'Start onboarding'),
};
const REJECTED: Partial<OnboardingStatus> = {
  state: 'rejected',
  headline: "Stripe can't support this account",
  detail: "Stripe has decided it can't work with this account. No information you provide here can change that.",
  tone: 'danger',
  next_action: null,
  reason: { code: 'rejected_fraud', resolution: 'no_resolution', message: 'Stripe rejected the account after a fraud review.' },
  support: { email: 'support@gangway.example', url: 'https://help.gangway.example/contact' },
};
const active = { status: 'active', status_label: 'Active', tone: 'success' } as const;

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

describe('DashboardPage', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    setCsrfToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('updates from the stream without a reload and announces the new state', async () => {
    let signedIn = true;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, signedIn ? session : anonymous);
      if (path === '/api/onboarding/status') return jsonResponse(200, status(VERIFYING));
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' })).toBeInTheDocument();
    const source = FakeEventSource.latest();
    expect(source.url).toBe('/api/onboarding/status/stream');
    act(() => {
      source.open();
    });
    expect(await screen.findByText('Live updates on')).toBeInTheDocument();

    act(() => {
      source.emit(
        'status',
        status({
          ...COMPLETE,
          version: 2,
          requirements: { past_due: [], currently_due: [], eventually_due: [] },
          capabilities: [capability('card_payments', active), capability('payouts', active)],
        }),
        '2',
      );
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Onboarding complete' })).toBeInTheDocument();
    expect(screen.getByTestId('state-announcer')).toHaveTextContent('Status updated: Onboarding complete.');
    expect(screen.getByTestId('capability-payouts')).toHaveTextContent('Active');

    // An older snapshot arriving late is ignored.
    act(() => {
      source.emit('status', status({ state: 'action_required', version: 1 }), '1');
    });
    expect(screen.getByRole('heading', { level: 1, name: 'Onboarding complete' })).toBeInTheDocument();
    signedIn = false;
  });

  it('when the stream ends because the session did, sends the merchant to sign in and back', async () => {
    let sessionEnded = false;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, sessionEnded ? anonymous : session);
      if (path === '/api/onboarding/status') {
        return sessionEnded
          ? jsonResponse(401, { type: 'about:blank', title: 'Unauthorized', status: 401 })
          : jsonResponse(200, status());
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(
      <>
        <AppRoutes />
        <LocationProbe />
      </>,
      { route: '/onboarding' },
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Stripe needs more information' })).toBeInTheDocument();

    sessionEnded = true;
    act(() => {
      FakeEventSource.latest().fail();
    });
    await waitFor(() => {
      expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fonboarding');
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
  });

  it('offers the create-account form when there is no account, then the start button', async () => {
    let created = false;
    let body: unknown;
    mockFetch(async (req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/account' && req.method === 'POST') {
        body = await req.json();
        created = true;
        return jsonResponse(201, { id: 'acct_1', country: 'GB', business_type: 'company', dashboard: 'express', created_at: '2027-03-03T10:00:00Z' });
      }
      if (path === '/api/onboarding/status') {
        return jsonResponse(
          200,
          created
            ? status({ ...NOT_STARTED, version: 2 })
            : status({ ...NO_ACCOUNT, capabilities: [], requirements: { past_due: [], currently_due: [], eventually_due: [] } }),
        );
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    const user = userEvent.setup();
    await screen.findByRole('heading', { level: 1, name: 'Set up payments' });
    await user.selectOptions(screen.getByLabelText('Country'), 'GB');
    await user.selectOptions(screen.getByLabelText('Business type'), 'company');
    await user.click(screen.getByRole('button', { name: 'Create Stripe account' }));
    expect(await screen.findByRole('button', { name: 'Start onboarding' })).toBeInTheDocument();
    expect(body).toEqual({ country: 'GB', business_type: 'company' });
  });

  it('after returning from Stripe, shows "Checking with Stripe…" until fresh status answers, without a second sync', async () => {
    markDeparture(3);
    let answerStatus: () => void = () => undefined;
    const statusGate = new Promise<void>((resolve) => {
      answerStatus = resolve;
    });
    const paths: string[] = [];
    mockFetch(async (req) => {
      const path = new URL(req.url).pathname;
      paths.push(`${req.method} ${path}`);
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        await statusGate;
        // /connect/return read the account from Stripe after the merchant left.
        return jsonResponse(200, status({ ...VERIFYING, version: 4, synced_at: new Date(Date.now() + 1000).toISOString() }));
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Checking with Stripe…' })).toBeInTheDocument();
    answerStatus();
    expect(await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' })).toBeInTheDocument();
    // /connect/return already re-read the account from Stripe: the SPA must not sync again.
    expect(paths).not.toContain('POST /api/onboarding/sync');
  });

  it('explains a refresh loop', async () => {
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        return jsonResponse(200, status({ requirements: { past_due: [], currently_due: [requirement()], eventually_due: [] } }));
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding?notice=refresh_loop' });
    expect(await screen.findByText("We couldn't reopen Stripe's form")).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText("We couldn't reopen Stripe's form")).not.toBeInTheDocument();
  });

  it('explains a refresh that failed because Stripe was unavailable', async () => {
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        return jsonResponse(200, status({ requirements: { past_due: [], currently_due: [requirement()], eventually_due: [] } }));
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding?notice=stripe-unavailable' });
    expect(await screen.findByText('Stripe is not answering right now')).toBeInTheDocument();
    expect(screen.getByText(/temporarily unavailable/)).toBeInTheDocument();
  });

  it('for a rejected account offers no Stripe button, but the reason and how to contact support', async () => {
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        return jsonResponse(
          200,
          status({
            ...REJECTED,
            capabilities: [
              capability('card_payments', { status: 'rejected', status_label: 'Rejected', tone: 'danger', explanation: "Stripe won't enable it for this account." }),
            ],
          }),
        );
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('heading', { level: 1, name: "Stripe can't support this account" })).toBeInTheDocument();
    expect(screen.getByText('Stripe rejected the account after a fraud review.')).toBeInTheDocument();
    const header = screen.getByRole('region', { name: "Stripe can't support this account" });
    expect(within(header).queryByRole('button')).not.toBeInTheDocument();
    const support = screen.getByRole('region', { name: 'Contact support' });
    expect(within(support).getByRole('link', { name: 'support@gangway.example' })).toHaveAttribute('href', 'mailto:support@gangway.example');
    expect(within(support).getByRole('link', { name: /support centre/ })).toHaveAttribute('href', 'https://help.gangway.example/contact');
    expect(screen.getByTestId('capability-card_payments-hint')).toHaveTextContent("Stripe won't enable it for this account.");
  });
});
