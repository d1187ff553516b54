/** What the dashboard says when things fail: the server, the stream, Stripe. */
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../../App';
import { resetServerClock, setCsrfToken } from '../../api/client';
import type { OnboardingStatus } from '../../api/types';
import { FakeEventSource } from '../../test/fakeEventSource';
import { jsonResponse, mockFetch, nextAction, renderWithProviders, requirement, status } from '../../test/utils';
import { markDeparture } from './departure';
import { statusKey } from './queries';

const session = {
  merchant: { id: 'm_1', email: 'ada@example.com', business_name: 'Ada Bakery' },
  csrf_token: 'csrf-1',
  expires_at: '2027-03-03T12:00:00Z',
};
const unavailable = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'The service is unavailable.' };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const VERIFYING: Partial<OnboardingStatus> = {
  state: 'pending_verification',
  headline: 'Stripe is verifying your information',
  detail: 'Nothing to do right now. This page updates on its own when Stripe finishes.',
  tone: 'info',
  next_action: null,
};
const NOT_STARTED: Partial<OnboardingStatus> = {
  state: 'not_started',
  headline: 'Onboarding not started',
  detail: 'Stripe needs some details about you and your business before you can accept payments.',
  tone: 'info',
  next_action: nextAction('start', 'Start onboarding'),
};
const NINE_DUE = Array.from({ length: 9 }, (_, i) => requirement({ description: `item.${String(i)}`, label: `Item ${String(i + 1)}` }));

describe('DashboardPage when things fail', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    setCsrfToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    resetServerClock();
  });

  it("says it can't reach the server, not 'Live updates on', when the stream is open but status requests fail", async () => {
    let serverUp = true;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (!serverUp) return Promise.reject(new TypeError('Failed to fetch'));
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') return jsonResponse(200, status({ ...VERIFYING, synced_at: minutesAgo(5) }));
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    const { queryClient } = renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' });
    act(() => {
      FakeEventSource.latest().open();
    });
    expect(await screen.findByText('Live updates on')).toBeInTheDocument();
    expect(screen.getByTestId('last-checked')).toHaveTextContent('Last checked with Stripe 5 minutes ago');

    // The server goes away, but its stream stays open (as during a slow shutdown): the next
    // status read (a window focus, say) fails.
    serverUp = false;
    await act(async () => {
      await queryClient.refetchQueries({ queryKey: statusKey });
    });
    expect(await screen.findByText("Can't reach the server — retrying")).toBeInTheDocument();
    expect(screen.queryByText('Live updates on')).not.toBeInTheDocument();
    // "Last checked" is still the last time Stripe was actually checked, not "just now".
    expect(screen.getByTestId('last-checked')).toHaveTextContent('Last checked with Stripe 5 minutes ago');
    expect(screen.getByTestId('connection-announcer')).toHaveTextContent("Can't reach the server. This page keeps retrying.");
    // The stale status stays on screen meanwhile.
    expect(screen.getByRole('heading', { level: 1, name: 'Stripe is verifying your information' })).toBeInTheDocument();

    // A status over the stream is proof the server answers again.
    serverUp = true;
    act(() => {
      FakeEventSource.latest().emit('status', status({ ...VERIFYING, version: 2, synced_at: minutesAgo(0) }), '2');
    });
    expect(await screen.findByText('Live updates on')).toBeInTheDocument();
    expect(screen.getByTestId('last-checked')).toHaveTextContent('Last checked with Stripe just now');
    expect(screen.getByTestId('connection-announcer')).toHaveTextContent('Connected to the server again.');
  });

  it('while the stream is down and requests fail, keeps saying so across reconnection attempts', async () => {
    let serverUp = true;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (!serverUp) return Promise.reject(new TypeError('Failed to fetch'));
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') return jsonResponse(200, status({ ...VERIFYING, synced_at: minutesAgo(3) }));
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' });
    serverUp = false;
    act(() => {
      FakeEventSource.latest().fail();
    });
    const mode = screen.getByTestId('stream-mode');
    await waitFor(() => {
      expect(mode).toHaveTextContent("Can't reach the server — retrying");
    });
    // The stream's next attempt (after about a second) fails too: the words do not flip.
    await waitFor(
      () => {
        expect(FakeEventSource.instances).toHaveLength(2);
      },
      { timeout: 2500 },
    );
    expect(mode).toHaveTextContent("Can't reach the server — retrying");
    expect(screen.getByTestId('last-checked')).toHaveTextContent('Last checked with Stripe 3 minutes ago');
  });

  it('leaves a dropped live stream to the browser to resume, and backs off when that fails too', async () => {
    let statusReads = 0;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        statusReads += 1;
        return jsonResponse(200, status({ ...VERIFYING, synced_at: minutesAgo(3) }));
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' });
    const source = FakeEventSource.latest();
    act(() => {
      source.open();
    });
    const mode = screen.getByTestId('stream-mode');
    await waitFor(() => {
      expect(mode).toHaveAttribute('data-mode', 'live');
    });
    const readsBefore = statusReads;
    act(() => {
      source.drop();
    });
    // Refetched at once, and the same EventSource is left open to reconnect (Last-Event-ID).
    await waitFor(() => {
      expect(statusReads).toBe(readsBefore + 1);
    });
    expect(mode).toHaveAttribute('data-mode', 'polling');
    expect(source.readyState).toBe(FakeEventSource.CONNECTING);
    act(() => {
      source.open();
    });
    await waitFor(() => {
      expect(mode).toHaveAttribute('data-mode', 'live');
    });
    expect(FakeEventSource.instances).toHaveLength(1);

    // Dropped again, and the browser's own attempt fails before it reopens: closed, then a new
    // stream after the backoff.
    act(() => {
      source.drop();
    });
    act(() => {
      source.drop();
    });
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    await waitFor(
      () => {
        expect(FakeEventSource.instances).toHaveLength(2);
      },
      { timeout: 2500 },
    );
  });

  it('ages "Last checked" by the server clock, so a browser clock running behind does not say "just now"', async () => {
    const serverAhead = 10 * 60_000;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      const headers = { Date: new Date(Date.now() + serverAhead).toUTCString() };
      if (path === '/api/auth/session') return jsonResponse(200, session, headers);
      if (path === '/api/onboarding/status') {
        // Stripe was read 3 minutes ago by the server's clock: 7 minutes "in the future" by ours.
        return jsonResponse(200, status({ ...VERIFYING, synced_at: new Date(Date.now() + serverAhead - 3 * 60_000).toISOString() }), headers);
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByTestId('last-checked')).toHaveTextContent('Last checked with Stripe 3 minutes ago');
  });

  it('keeps a persisting load error mounted across retries (announced once), and re-announces only a new message', async () => {
    let answer: () => Response = () => jsonResponse(503, unavailable);
    let gate: Promise<void> | null = null;
    mockFetch(async (req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        if (gate) await gate;
        return answer();
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't load your onboarding status");
    expect(alert).toHaveTextContent('The service is unavailable.');

    // A retry (the merchant's, or the page's own every few seconds) that is still running...
    let release: () => void = () => undefined;
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const retry = screen.getByRole('button', { name: 'Try again' });
    retry.focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('button', { name: 'Trying again…' })).toHaveFocus();
    // ...leaves the alert in place: no flicker, nothing for a screen reader to announce again.
    expect(screen.getByRole('alert')).toBe(alert);
    expect(screen.queryByRole('heading', { name: 'Checking with Stripe…' })).not.toBeInTheDocument();
    release();
    gate = null;
    await screen.findByRole('button', { name: 'Try again' });
    expect(screen.getByRole('alert')).toBe(alert);
    expect(alert).toHaveTextContent('The service is unavailable.');

    // A different failure changes the words inside the same live region: that is announced.
    answer = () => jsonResponse(502, { type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'Stripe answered with an error.' });
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => {
      expect(alert).toHaveTextContent('Stripe answered with an error.');
    });
    expect(screen.getByRole('alert')).toBe(alert);

    // Success replaces it, and keyboard focus is not dropped on <body>.
    answer = () => jsonResponse(200, status(VERIFYING));
    screen.getByRole('button', { name: 'Try again' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' })).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('back from Stripe while Stripe fails: says it could not confirm yet and keeps checking, instead of the old list', async () => {
    markDeparture(3);
    let fresh = false;
    const statusCalls: number[] = [];
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') {
        statusCalls.push(Date.now());
        // /connect/return could not reach Stripe: the cached status is from before the merchant left.
        return jsonResponse(
          200,
          fresh
            ? status({ ...VERIFYING, version: 5, synced_at: new Date(Date.now() + 1000).toISOString() })
            : status({
                state: 'action_required',
                version: 4,
                synced_at: minutesAgo(20),
                requirements: { past_due: [], currently_due: NINE_DUE, eventually_due: [], awaiting_stripe: [] },
              }),
        );
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });

    expect(await screen.findByRole('heading', { level: 1, name: "We couldn't confirm with Stripe yet" })).toBeInTheDocument();
    expect(screen.getByText(/This page keeps checking and updates on its own/)).toBeInTheDocument();
    // The old list is not presented as the truth: it is folded away, and labelled as old.
    expect(screen.queryByRole('heading', { level: 1, name: 'Stripe needs more information' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: /Due now/ })).not.toBeVisible();
    expect(screen.getByText('What Stripe needed before you went there')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Continue onboarding' })).not.toBeInTheDocument();
    expect(document.title).toBe("We couldn't confirm with Stripe yet · Gangway");
    expect(screen.getByTestId('last-checked')).toHaveTextContent('Last checked with Stripe 20 minutes ago (before you came back)');

    // It keeps checking: it polls even though the stream is open...
    act(() => {
      FakeEventSource.latest().open();
    });
    const before = statusCalls.length;
    await waitFor(
      () => {
        expect(statusCalls.length).toBeGreaterThan(before);
      },
      { timeout: 6000 },
    );
    // ...and takes Stripe's answer as soon as it arrives.
    fresh = true;
    act(() => {
      FakeEventSource.latest().emit('status', status({ ...VERIFYING, version: 5, synced_at: new Date(Date.now() + 1000).toISOString() }), '5');
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Stripe is verifying your information' })).toBeInTheDocument();
    expect(screen.getByTestId('state-announcer')).toHaveTextContent('Status updated: Stripe is verifying your information.');
  }, 10_000);

  it('back from Stripe: a read of Stripe made while the merchant was still there does not count as confirmation', async () => {
    // Left for Stripe 10 minutes ago; a webhook re-read the account 5 minutes ago, while they were
    // still on Stripe's form; the read on their return failed.
    sessionStorage.setItem('gangway.onboarding.departure', JSON.stringify({ at: Date.now() - 10 * 60_000, version: 3 }));
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/onboarding/status') return jsonResponse(200, status({ version: 4, synced_at: minutesAgo(5) }));
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('heading', { level: 1, name: "We couldn't confirm with Stripe yet" })).toBeInTheDocument();
    // The marker now says when they came back, so a reload still knows.
    const marker = JSON.parse(sessionStorage.getItem('gangway.onboarding.departure') ?? '{}') as { returnedAt?: number };
    expect(marker.returnedAt).toBeGreaterThan(Date.now() - 5 * 60_000);
  });

  it('moves focus to the new headline when "Create Stripe account" is replaced by the next step', async () => {
    let created = false;
    mockFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/auth/session') return jsonResponse(200, session);
      if (path === '/api/account' && req.method === 'POST') {
        created = true;
        return jsonResponse(201, { id: 'acct_1', country: 'US', business_type: 'individual', dashboard: 'none', created_at: '2027-03-03T10:00:00Z' });
      }
      if (path === '/api/onboarding/status') {
        return jsonResponse(
          200,
          created
            ? status({ ...NOT_STARTED, version: 2 })
            : status({
                state: 'no_account',
                headline: 'Set up payments',
                detail: 'Create your Stripe account to start accepting card payments and receiving payouts.',
                tone: 'neutral',
                next_action: null,
                capabilities: [],
                requirements: { past_due: [], currently_due: [], eventually_due: [], awaiting_stripe: [] },
              }),
        );
      }
      return jsonResponse(404, { title: 'Not Found', status: 404 });
    });
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    const create = await screen.findByRole('button', { name: 'Create Stripe account' });
    create.focus();
    await userEvent.keyboard('{Enter}');
    await screen.findByRole('button', { name: 'Start onboarding' });
    expect(screen.getByRole('heading', { level: 1, name: 'Onboarding not started' })).toHaveFocus();
    expect(document.activeElement).not.toBe(document.body);
  });
});
