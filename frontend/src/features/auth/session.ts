import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { getSession } from '../../api/client';
import type { SessionPublic } from '../../api/types';

export const sessionKey = ['session'] as const;

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: getSession,
    staleTime: 30_000,
    refetchOnWindowFocus: true,
  });
}

/** Store a session returned by login/signup so every screen sees it at once. */
export function useSetSession() {
  const queryClient = useQueryClient();
  return useCallback(
    (session: SessionPublic) => {
      queryClient.setQueryData(sessionKey, session);
    },
    [queryClient],
  );
}

/** Only same-origin paths are allowed as a post-login destination. */
export function safeNext(next: string | null | undefined, fallback = '/onboarding'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/login') || next.startsWith('/signup')) return fallback;
  return next;
}

export function loginPathFor(location: { pathname: string; search: string }): string {
  const here = `${location.pathname}${location.search}`;
  const next = safeNext(here, '');
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
