import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConnectAndInitialize } from '@stripe/connect-js/pure';
import type { IStripeConnectInitParams, StripeConnectInstance } from '@stripe/connect-js/pure';
import { AppRoutes } from '../../App';
import { setCsrfToken } from '../../api/client';
import type { AccountPublic, OnboardingStatus } from '../../api/types';
import { FakeEventSource } from '../../test/fakeEventSource';
import { jsonResponse, mockFetch, nextAction, renderWithProviders, status } from '../../test/utils';
import { statusKey } from '../onboarding/queries';
import { DashboardButton } from './DashboardButton';

// Connect.js is mocked at the edge: the `pure` loader. The real @stripe/react-connect-js
// components run against this fake instance, whose elements record what they are given.
vi.mock('@stripe/connect-js/pure', () => ({ loadConnectAndInitialize: vi.fn() }));

interface FakeElement extends HTMLElement {
  options: Record<string, unknown>;
}

const SETTERS = [
  'setOnExit',
  'setOnStepChange',
  'setCollectionOptions',
  'setOnLoadError',
  'setOnLoaderStart',
  'setOnNotificationsChange',
  'setOnSectionOpen',
  'setFullTermsOfServiceUrl',
  'setRecipientTermsOfServiceUrl',
  'setPrivacyPolicyUrl',
  'setSkipTermsOfServiceCollection',
];

let created: FakeElement[] = [];
let initParams: IStripeConnectInitParams[] = [];

function fakeConnect(params: IStripeConnectInitParams): StripeConnectInstance {
  initParams.push(params);
  // Like the real loader: the client secret is fetched at once.
  void params.fetchClientSecret().catch(() => undefined);
  const instance = {
    create: (tag: string) => {
      const element = document.createElement(`fake-${tag}`) as FakeElement;
      element.dataset.testid = `connect-${tag}`;
      element.options = {};
      for (const setter of SETTERS) {
        (element as unknown as Record<string, (value: unknown) => void>)[setter] = (value: unknown) => {
          element.options[setter] = value;
        };
      }
      created.push(element);
      return element;
    },
    update: vi.fn(),
    logout: vi.fn(() => Promise.resolve()),
  };
  return instance as unknown as StripeConnectInstance;
}

function element(tag: string): FakeElement {
  const found = created.filter((e) => e.tagName.toLowerCase() === `fake-${tag}`).at(-1);
  if (!found) throw new Error(`no ${tag} element was created`);
  return found;
}

const session = {
  merchant: { id: 'm_1', email: 'ada@example.com', business_name: 'Ada Bakery' },
  csrf_token: 'csrf-1',
  expires_at: '2027-03-03T12:00:00Z',
};
const config = { publishable_key: 'pk_test_123', connect_js_url: null, onboarding_surface: 'embedded' };
const collection = (fields: string, future = 'omit') => ({ fields, future_requirements: future });
const embeddedSession = {
  client_secret: 'accs_secret__abc',
  expires_at: '2027-03-03T12:30:00Z',
  publishable_key: 'pk_test_123',
  components: {
    account_onboarding: { enabled: true, features: {}, collection_options: collection('currently_due', 'include') },
    account_management: { enabled: true, features: {}, collection_options: collection('currently_due') },
    notification_banner: { enabled: true, features: {}, collection_options: collection('currently_due') },
  },
};
const NOT_STARTED: Partial<OnboardingStatus> = {
  state: 'not_started',
  headline: 'Onboarding not started',
  detail: 'Stripe needs some details about you and your business before you can accept payments.',
  tone: 'info',
};
const embeddedStart = status({
  ...NOT_STARTED,
  surface: 'embedded',
  next_action: nextAction('start', 'Start onboarding', { surface: 'embedded', component: 'account_onboarding', future_requirements: 'include' }),
});
const VERIFYING = status({
  state: 'pending_verification',
  headline: 'Stripe is verifying your information',
  detail: 'Nothing to do right now. This page updates on its own when Stripe finishes.',
  tone: 'info',
  next_action: null,
  surface: 'embedded',
  version: 2,
});

type Handler = (request: Request, path: string) => Response | Promise<Response> | undefined;

function server(statusBody: OnboardingStatus, extra: Handler = () => undefined) {
  return mockFetch(async (request) => {
    const path = new URL(request.url).pathname;
    const answer = await extra(request, path);
    if (answer) return answer;
    if (path === '/api/auth/session') return jsonResponse(200, session);
    if (path === '/api/onboarding/status') return jsonResponse(200, statusBody);
    if (path === '/api/config') return jsonResponse(200, config);
    if (path === '/api/onboarding/embedded-session') return jsonResponse(201, embeddedSession, { 'Cache-Control': 'no-store' });
    return jsonResponse(404, { title: 'Not Found', status: 404 });
  });
}

function calls(fetchMock: ReturnType<typeof mockFetch>, path: string): Request[] {
  return fetchMock.mock.calls.map((call) => call[0] as Request).filter((request) => new URL(request.url).pathname === path);
}

describe('embedded components', () => {
  beforeEach(() => {
    created = [];
    initParams = [];
    vi.mocked(loadConnectAndInitialize).mockReset();
    vi.mocked(loadConnectAndInitialize).mockImplementation(fakeConnect);
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    setCsrfToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('next_action.surface hosted: mints a link as before and never loads Connect.js', async () => {
    const fetchMock = server(status({ ...NOT_STARTED, surface: 'hosted', next_action: nextAction('start', 'Start onboarding', { surface: 'hosted' }) }));
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('button', { name: 'Start onboarding' })).toBeVisible();
    expect(screen.getByText("You'll continue on Stripe's secure site and come back here.")).toBeInTheDocument();
    expect(screen.queryByTestId('embedded-onboarding')).not.toBeInTheDocument();
    expect(screen.queryByTestId('notification-banner')).not.toBeInTheDocument();
    expect(loadConnectAndInitialize).not.toHaveBeenCalled();
    expect(calls(fetchMock, '/api/config')).toHaveLength(0);
    expect(calls(fetchMock, '/api/onboarding/embedded-session')).toHaveLength(0);
  });

  it("next_action.surface embedded: renders Stripe's onboarding in the page with the session's collection options", async () => {
    const fetchMock = server(embeddedStart);
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    const panel = await screen.findByTestId('embedded-onboarding');
    expect(within(panel).getByRole('heading', { name: 'Start onboarding' })).toBeVisible();
    // No hosted-link button.
    expect(screen.queryByRole('button', { name: 'Start onboarding' })).not.toBeInTheDocument();
    await waitFor(() => {
      expect(element('account-onboarding').options.setCollectionOptions).toEqual({ fields: 'currently_due', futureRequirements: 'include' });
    });
    expect(within(panel).getByTestId('connect-account-onboarding')).toBeInTheDocument();

    expect(initParams[0]?.publishableKey).toBe('pk_test_123');
    const sessionRequest = calls(fetchMock, '/api/onboarding/embedded-session').at(0);
    expect(sessionRequest?.method).toBe('POST');
    expect(await sessionRequest?.json()).toEqual({ collect: 'currently_due', future_requirements: 'include' });
    expect(calls(fetchMock, '/api/onboarding/links')).toHaveLength(0);
    // The client secret is handed to Connect.js and kept nowhere else.
    await expect(initParams[0]?.fetchClientSecret()).resolves.toBe('accs_secret__abc');
    const stored = [sessionStorage, localStorage]
      .flatMap((storage) => Array.from({ length: storage.length }, (_, i) => storage.getItem(storage.key(i) ?? '') ?? ''))
      .join('');
    expect(stored).not.toContain('accs_secret');
  });

  it('in emulator mode loads the stand-in script first, then the pure loader', async () => {
    server(embeddedStart, (_request, path) =>
      path === '/api/config' ? jsonResponse(200, { ...config, connect_js_url: 'http://127.0.0.1:12111/connect-js/v1.js' }) : undefined,
    );
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    const script = await waitFor(() => {
      const found = document.head.querySelector<HTMLScriptElement>('script[src="http://127.0.0.1:12111/connect-js/v1.js"]');
      expect(found).not.toBeNull();
      return found as HTMLScriptElement;
    });
    expect(loadConnectAndInitialize).not.toHaveBeenCalled();
    act(() => {
      script.dispatchEvent(new Event('load'));
    });
    await waitFor(() => {
      expect(loadConnectAndInitialize).toHaveBeenCalledTimes(1);
    });
    script.remove();
  });

  it('onExit calls embedded-exit and applies the status it answers', async () => {
    const fetchMock = server(embeddedStart, (_request, path) =>
      path === '/api/onboarding/embedded-exit' ? jsonResponse(200, VERIFYING) : undefined,
    );
    const { queryClient } = renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    await waitFor(() => {
      expect(element('account-onboarding').options.setOnExit).toBeTypeOf('function');
    });
    act(() => {
      (element('account-onboarding').options.setOnExit as () => void)();
    });
    await waitFor(() => {
      expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Stripe is verifying your information');
    });
    const exit = calls(fetchMock, '/api/onboarding/embedded-exit').at(0);
    expect(exit?.method).toBe('POST');
    expect(exit?.headers.get('X-CSRF-Token')).toBe('csrf-1');
    expect(queryClient.getQueryData<OnboardingStatus>(statusKey)?.version).toBe(2);
    // Nothing left to onboard: the embedded form goes.
    expect(screen.queryByTestId('embedded-onboarding')).not.toBeInTheDocument();
  });

  it('shows the notification banner once Stripe has something to say', async () => {
    server(embeddedStart);
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    await waitFor(() => {
      expect(element('notification-banner').options.setOnNotificationsChange).toBeTypeOf('function');
    });
    const banner = screen.getByTestId('notification-banner');
    expect(banner).not.toBeVisible();
    act(() => {
      (element('notification-banner').options.setOnNotificationsChange as (n: { total: number; actionRequired: number }) => void)({
        total: 1,
        actionRequired: 1,
      });
    });
    expect(banner).toBeVisible();
    expect(element('notification-banner').options.setCollectionOptions).toEqual({ fields: 'currently_due', futureRequirements: 'omit' });
  });

  it('embedded-not-configured: no banner, and the hosted link instead of the embedded form', async () => {
    server(embeddedStart, (_request, path) =>
      path === '/api/onboarding/embedded-session'
        ? jsonResponse(409, {
            type: 'https://gangway.dev/problems/embedded-not-configured',
            title: 'Embedded onboarding is not set up',
            status: 409,
            detail: 'This platform has not set up embedded onboarding; use the onboarding link.',
          })
        : undefined,
    );
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('button', { name: 'Start onboarding' })).toBeVisible();
    expect(screen.queryByTestId('notification-banner')).not.toBeInTheDocument();
    expect(screen.queryByTestId('embedded-onboarding')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('no publishable key in the config: no banner and no session', async () => {
    const fetchMock = server(embeddedStart, (_request, path) =>
      path === '/api/config' ? jsonResponse(200, { ...config, publishable_key: null }) : undefined,
    );
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('button', { name: 'Start onboarding' })).toBeVisible();
    expect(screen.queryByTestId('notification-banner')).not.toBeInTheDocument();
    expect(loadConnectAndInitialize).not.toHaveBeenCalled();
    expect(calls(fetchMock, '/api/onboarding/embedded-session')).toHaveLength(0);
  });

  it('a 429 from embedded-session asks the merchant to wait, with the countdown outside the alert', async () => {
    server(embeddedStart, (_request, path) =>
      path === '/api/onboarding/embedded-session'
        ? jsonResponse(429, { type: 'https://gangway.dev/problems/embedded-session-rate-limited', title: 'Too Many Requests', status: 429 }, { 'Retry-After': '30' })
        : undefined,
    );
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many attempts. Please wait a moment, then try again.');
    const countdown = screen.getByTestId('retry-countdown');
    expect(countdown).toHaveTextContent(/^(30|29) seconds$/);
    expect(countdown.closest('[role="alert"], [role="status"], [aria-live]:not([aria-live="off"])')).toBeNull();
    expect(screen.getByRole('button', { name: 'Try again' })).toHaveAttribute('aria-disabled', 'true');
    expect(screen.queryByTestId('notification-banner')).not.toBeInTheDocument();
  });

  it('no-link-can-help: shows what the server says', async () => {
    server(embeddedStart, (_request, path) =>
      path === '/api/onboarding/embedded-session'
        ? jsonResponse(409, {
            type: 'https://gangway.dev/problems/no-link-can-help',
            title: 'No onboarding link can help this account',
            status: 409,
            detail: 'This Stripe account is closed; embedded onboarding can\'t reopen it.',
          })
        : undefined,
    );
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    expect(await screen.findByRole('alert')).toHaveTextContent("This Stripe account is closed; embedded onboarding can't reopen it.");
  });

  it('the account page shows account management, reachable from the app shell', async () => {
    server(embeddedStart, (_request, path) =>
      path === '/api/account'
        ? jsonResponse(200, { id: 'acct_1', country: 'US', business_type: 'individual', dashboard: 'none', created_at: '2027-03-01T10:00:00Z' })
        : undefined,
    );
    renderWithProviders(<AppRoutes />, { route: '/onboarding' });
    await userEvent.click(await screen.findByRole('link', { name: 'Account' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await waitFor(() => {
      expect(element('account-management').options.setCollectionOptions).toEqual({ fields: 'currently_due', futureRequirements: 'omit' });
    });
    expect(screen.getByTestId('account-management')).toContainElement(element('account-management'));
    // Not an Express account: no dashboard button. One Connect.js instance across pages.
    expect(screen.queryByRole('button', { name: 'Open Stripe dashboard' })).not.toBeInTheDocument();
    expect(loadConnectAndInitialize).toHaveBeenCalledTimes(1);
  });
});

describe('Open Stripe dashboard', () => {
  const account = (dashboard: AccountPublic['dashboard']): AccountPublic => ({
    id: 'acct_1',
    country: 'US',
    business_type: 'company',
    dashboard,
    created_at: '2027-03-01T10:00:00Z',
  });

  beforeEach(() => {
    vi.stubGlobal('EventSource', FakeEventSource);
    setCsrfToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(['none', 'full'] as const)('is not offered to %s-dashboard accounts', async (dashboard) => {
    server(status({ ...NOT_STARTED, surface: 'hosted' }), (_request, path) => (path === '/api/account' ? jsonResponse(200, account(dashboard)) : undefined));
    renderWithProviders(<AppRoutes />, { route: '/account' });
    expect(await screen.findByText('Account ID')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Open Stripe dashboard' })).not.toBeInTheDocument();
  });

  it('is offered to Express accounts', async () => {
    server(status({ ...NOT_STARTED, surface: 'hosted' }), (_request, path) => (path === '/api/account' ? jsonResponse(200, account('express')) : undefined));
    renderWithProviders(<AppRoutes />, { route: '/account' });
    expect(await screen.findByRole('button', { name: 'Open Stripe dashboard' })).toBeVisible();
  });

  it('mints a login link and goes there at once, keeping it nowhere', async () => {
    setCsrfToken('csrf-9');
    const fetchMock = mockFetch(() => jsonResponse(201, { url: 'https://connect.example/express/tok_1' }, { 'Cache-Control': 'no-store' }));
    const go = vi.fn();
    renderWithProviders(<DashboardButton go={go} />);
    await userEvent.click(screen.getByRole('button', { name: 'Open Stripe dashboard' }));
    await waitFor(() => {
      expect(go).toHaveBeenCalledWith('https://connect.example/express/tok_1');
    });
    const request = fetchMock.mock.calls[0]?.[0] as Request;
    expect(new URL(request.url).pathname).toBe('/api/account/dashboard-link');
    expect(request.method).toBe('POST');
    expect(request.headers.get('X-CSRF-Token')).toBe('csrf-9');
    expect(screen.getByRole('button', { name: 'Opening Stripe…' })).toHaveAttribute('aria-busy', 'true');
    const stored = Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.getItem(sessionStorage.key(i) ?? '')).join('');
    expect(stored).not.toContain('connect.example');
  });

  it('no-express-dashboard: shows why, and does not navigate', async () => {
    setCsrfToken('csrf-9');
    mockFetch(() =>
      jsonResponse(409, {
        type: 'https://gangway.dev/problems/no-express-dashboard',
        title: 'This account has no Express dashboard',
        status: 409,
        detail: 'Your account uses the full Stripe dashboard: sign in at dashboard.stripe.com.',
      }),
    );
    const go = vi.fn();
    renderWithProviders(<DashboardButton go={go} />);
    const button = screen.getByRole('button', { name: 'Open Stripe dashboard' });
    await userEvent.click(button);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your account uses the full Stripe dashboard: sign in at dashboard.stripe.com.');
    expect(go).not.toHaveBeenCalled();
    expect(button).toHaveAccessibleDescription(/full Stripe dashboard/);
  });

  it('429: waits with a countdown outside the alert, keeps the alert mounted while retrying', async () => {
    setCsrfToken('csrf-9');
    let calls = 0;
    mockFetch(() => {
      calls += 1;
      return calls === 1
        ? jsonResponse(429, { type: 'https://gangway.dev/problems/rate-limited', title: 'Too Many Requests', status: 429 }, { 'Retry-After': '1' })
        : jsonResponse(502, { type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'Stripe answered with an error.' });
    });
    const go = vi.fn();
    renderWithProviders(<DashboardButton go={go} />);
    const button = screen.getByRole('button', { name: 'Open Stripe dashboard' });
    await userEvent.click(button);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many attempts. Please wait a moment, then try again.');
    const countdown = screen.getByTestId('retry-countdown');
    expect(countdown.closest('[role="alert"], [role="status"], [aria-live]:not([aria-live="off"])')).toBeNull();
    expect(button).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(button);
    expect(calls).toBe(1);

    await screen.findByText('You can try again now.', undefined, { timeout: 2500 });
    await userEvent.click(screen.getByRole('button', { name: 'Open Stripe dashboard' }));
    await waitFor(() => {
      expect(screen.getByRole('alert')).toHaveTextContent('Stripe answered with an error.');
    });
    // The same alert element, its words changed: not unmounted and re-announced.
    expect(screen.getByRole('alert')).toBe(alert);
    expect(go).not.toHaveBeenCalled();
  });
});
