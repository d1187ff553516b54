import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { OnboardingStatus, Requirement } from '../api/types';

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
    ...overrides,
  };
}

export function status(overrides: Partial<OnboardingStatus> = {}): OnboardingStatus {
  return {
    state: 'action_required',
    next_action: {
      kind: 'continue',
      use_case: 'account_onboarding',
      collect: 'currently_due',
      future_requirements: 'omit',
    },
    requirements: { past_due: [], currently_due: [requirement()], eventually_due: [] },
    future_requirements: [],
    capabilities: [
      { name: 'card_payments', label: 'Card payments', status: 'pending' },
      { name: 'payouts', label: 'Payouts', status: 'pending' },
    ],
    deadline: null,
    synced_at: null,
    version: 1,
    ...overrides,
  };
}
