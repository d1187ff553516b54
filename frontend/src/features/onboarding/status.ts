import { useQuery, type QueryClient } from '@tanstack/react-query';
import { getOnboardingStatus } from '../../api/client';
import type { OnboardingStatus } from '../../api/types';

export const statusKey = ['onboarding', 'status'] as const;

/** Apply a status snapshot unless we already hold a newer one (versions only grow). */
export function applyStatus(queryClient: QueryClient, next: OnboardingStatus): void {
  queryClient.setQueryData<OnboardingStatus>(statusKey, (prev) =>
    prev && prev.version > next.version ? prev : next,
  );
}

export function useOnboardingStatus(pollMs: number | false) {
  return useQuery({
    queryKey: statusKey,
    queryFn: getOnboardingStatus,
    refetchInterval: pollMs,
    refetchOnWindowFocus: true,
    staleTime: 5_000,
  });
}
