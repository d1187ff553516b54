/**
 * The onboarding status query and the calls that change it (create the account, mint a link,
 * sync from Stripe): keys and hooks. `useStatusStream` feeds the same query from the server.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  ApiError,
  createAccount,
  createOnboardingLink,
  getOnboardingStatus,
  syncOnboardingStatus,
} from '../../api/client';
import type { AccountCreateBody, LinkCreateBody, OnboardingStatus } from '../../api/types';

/** Everything this feature caches; forget it all when the session ends. */
export const onboardingKey = ['onboarding'] as const;
export const statusKey = [...onboardingKey, 'status'] as const;

/** Apply a status snapshot unless we already hold a newer one (versions only grow). */
export function applyStatus(queryClient: QueryClient, next: OnboardingStatus): void {
  queryClient.setQueryData<OnboardingStatus>(statusKey, (prev) =>
    prev && prev.version > next.version ? prev : next,
  );
}

/** Ask the server for the status again (our copy may be stale). */
export function invalidateStatus(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: statusKey });
}

/**
 * The status query. `pollMs` decides, after every change of the query, whether to poll: it gets
 * the data held and whether the last attempt to read the status failed.
 */
export function useOnboardingStatus(pollMs: (data: OnboardingStatus | undefined, failing: boolean) => number | false) {
  return useQuery({
    queryKey: statusKey,
    queryFn: getOnboardingStatus,
    refetchInterval: (query) => pollMs(query.state.data, query.state.status === 'error'),
    refetchOnWindowFocus: true,
    staleTime: 5_000,
  });
}

/** Create the merchant's connected account, then show the status that follows. */
export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: AccountCreateBody) => {
      await createAccount(body);
      return getOnboardingStatus();
    },
    onSuccess: (status) => {
      applyStatus(queryClient, status);
    },
    onError: () => {
      void invalidateStatus(queryClient);
    },
  });
}

/** Mint an Account Link. A 404 or 409 means our status is out of date, so it is refetched. */
export function useCreateOnboardingLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LinkCreateBody) => createOnboardingLink(body),
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) {
        void invalidateStatus(queryClient);
      }
    },
  });
}

const RECHECK_FIRST_MS = 10_000;
const RECHECK_MAX_MS = 120_000;

/**
 * While the merchant's return from Stripe is unconfirmed (Stripe did not answer), ask the BFF to
 * re-read the account now and then: after 10 s, then backing off to every 2 minutes, never sooner
 * than a Retry-After. Failures are quiet: the page already says it is still checking.
 */
export function useRecheckStripe(active: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!active) return;
    let timer: number | undefined;
    let attempt = 0;
    let disposed = false;
    const run = async () => {
      let wait = Math.min(RECHECK_MAX_MS, RECHECK_FIRST_MS * 2 ** (attempt + 1));
      try {
        applyStatus(queryClient, await syncOnboardingStatus());
      } catch (error) {
        if (error instanceof ApiError && error.retryAfter) wait = Math.max(wait, error.retryAfter * 1000);
      }
      attempt += 1;
      if (!disposed) timer = window.setTimeout(() => void run(), wait);
    };
    timer = window.setTimeout(() => void run(), RECHECK_FIRST_MS);
    return () => {
      disposed = true;
      window.clearTimeout(timer);
    };
  }, [active, queryClient]);
}

/** Re-read the account from Stripe now and show the result. */
export function useSyncStatus(callbacks: { onSettled?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: syncOnboardingStatus,
    onSuccess: (status) => {
      applyStatus(queryClient, status);
    },
    onSettled: () => {
      callbacks.onSettled?.();
    },
  });
}
