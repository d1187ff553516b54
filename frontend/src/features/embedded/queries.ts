/**
 * Embedded components and the merchant's own account: the public config, the account, the
 * embedded-exit call and Express dashboard links. Account Sessions are created by
 * `EmbeddedProvider` for Connect.js, never cached here.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, createDashboardLink, getAccount, getPublicConfig, recordEmbeddedExit } from '../../api/client';
import type { OnboardingStatus } from '../../api/types';
import { applyStatus, invalidateStatus } from '../onboarding/queries';

export const configKey = ['config'] as const;
export const accountKey = ['onboarding', 'account'] as const;

/** The platform's Connect.js settings: the same for everyone, for the life of the page. */
export function usePublicConfig(enabled: boolean) {
  return useQuery({ queryKey: configKey, queryFn: getPublicConfig, staleTime: Infinity, enabled });
}

export function useAccount() {
  return useQuery({ queryKey: accountKey, queryFn: getAccount, staleTime: 60_000 });
}

/** `onExit` of embedded onboarding: the BFF re-reads the account; its answer is the status. */
export function useEmbeddedExit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: recordEmbeddedExit,
    onSuccess: (status: OnboardingStatus) => {
      applyStatus(queryClient, status);
    },
    onError: () => {
      void invalidateStatus(queryClient);
    },
  });
}

/** A single-use Express dashboard login link. A 404 or 409 means our account view is stale. */
export function useDashboardLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createDashboardLink,
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) {
        void queryClient.invalidateQueries({ queryKey: accountKey });
      }
    },
  });
}
