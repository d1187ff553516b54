/** The session query and the calls that change it (sign in, sign up, sign out): keys and hooks. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { getSession, login, logout, signup } from '../../api/client';
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

/** Ask the server who is signed in the next time anyone looks. */
export function invalidateSession(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: sessionKey });
}

interface SignInCallbacks {
  onSuccess?: (session: SessionPublic) => void;
  onError?: (error: Error) => void;
}

/** Store a session returned by login/signup so every screen sees it at once. */
function useSignIn<TBody>(call: (body: TBody) => Promise<SessionPublic>, callbacks: SignInCallbacks) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (session) => {
      queryClient.setQueryData(sessionKey, session);
      callbacks.onSuccess?.(session);
    },
    onError: callbacks.onError,
  });
}

export function useLogin(callbacks: SignInCallbacks = {}) {
  return useSignIn(login, callbacks);
}

export function useSignup(callbacks: SignInCallbacks = {}) {
  return useSignIn(signup, callbacks);
}

/** Sign out; signed out server-side or not, this tab forgets everything it knew. */
export function useLogout(callbacks: { onSettled?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.clear();
      callbacks.onSettled?.();
    },
  });
}
