import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { Capability, NextAction, NextActionKind, OnboardingStatus, Requirement, RequirementError } from '../api/types';

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

export function renderWithProviders(
  ui: ReactElement,
  { route = '/', queryClient = testQueryClient(), ...options }: { route?: string; queryClient?: QueryClient } & RenderOptions = {},
) {
  return {
    queryClient,
    ...render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </QueryClientProvider>,
      options,
    ),
  };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const isProblem = status >= 400;
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': isProblem ? 'application/problem+json' : 'application/json', ...headers },
  });
}

type Handler = (request: Request) => Response | Promise<Response>;

/** Stub global fetch with a handler; returns the mock so tests can inspect requests. */
export function mockFetch(handler: Handler) {
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    return handler(request);
  });
  vi.stubGlobal('fetch', fn);
  return fn;
}

export function requirement(overrides: Partial<Requirement> = {}): Requirement {
  return {
    description: 'business_profile.url',
    label: 'Business website',
    deadline_status: 'currently_due',
    deadline: null,
    awaiting_action_from: 'user',
    errors: [],
    restricts_capabilities: [],
    restricts_capability_labels: [],
    ...overrides,
  };
}

export function requirementError(overrides: Partial<RequirementError> = {}): RequirementError {
  return {
    code: 'verification_failed_id_number_match',
    message: 'Stripe could not confirm your ID number. Check it for typos.',
    remedy: 'Stripe could not confirm your ID number. Check it for typos.',
    stripe_description: null,
    ...overrides,
  };
}

export function capability(name: Capability['name'], overrides: Partial<Capability> = {}): Capability {
  return {
    name,
    label: name === 'card_payments' ? 'Card payments' : 'Payouts',
    status: 'pending',
    status_label: 'Pending',
    tone: 'info',
    explanation: 'Stripe is still checking your details.',
    ...overrides,
  };
}

export function nextAction(kind: NextActionKind, label: string, overrides: Partial<NextAction> = {}): NextAction {
  return {
    kind,
    label,
    use_case: kind === 'update' || kind === 'review_future' ? 'account_update' : 'account_onboarding',
    collect: 'currently_due',
    future_requirements: kind === 'review_future' ? 'include' : 'omit',
    ...overrides,
  };
}

/**
 * A status body as the server sends it, words included. The default is `action_required`; a test
 * that changes `state` passes the words that go with it (the server's `onboarding/copy.py`).
 */
export function status(overrides: Partial<OnboardingStatus> = {}): OnboardingStatus {
  return {
    state: 'action_required',
    headline: 'Stripe needs more information',
    detail: 'Provide the items below to keep your account fully enabled.',
    tone: 'warning',
    next_action: nextAction('continue', 'Continue onboarding'),
    reason: null,
    support: null,
    requirements: { past_due: [], currently_due: [requirement()], eventually_due: [], awaiting_stripe: [] },
    future_requirements: [],
    capabilities: [capability('card_payments'), capability('payouts')],
    deadline: null,
    upcoming_deadline: null,
    synced_at: null,
    version: 1,
    ...overrides,
  };
}
