/**
 * One Connect.js instance for the signed-in pages, shared by the notification banner, embedded
 * onboarding and account management (so a change in one reloads the others), created only for
 * merchants whose surface is `embedded`. Hosted-only platforms never load Connect.js.
 */
import type { StripeConnectInstance } from '@stripe/connect-js/pure';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, createEmbeddedSession, getOnboardingStatus } from '../../api/client';
import type { EmbeddedComponents, EmbeddedSessionCreateBody, OnboardingStatus } from '../../api/types';
import { statusKey } from '../onboarding/queries';
import { startConnect } from './connect';
import { usePublicConfig } from './queries';

export type Embedded =
  /** Not an embedded merchant (hosted surface, no account yet, or not known yet). */
  | { phase: 'off' }
  | { phase: 'loading' }
  | { phase: 'ready'; instance: StripeConnectInstance; components: EmbeddedComponents }
  /** The platform has not set embedded components up: fall back to hosted links. */
  | { phase: 'not-configured' }
  | { phase: 'failed'; error: Error; retry: () => void };

const EmbeddedContext = createContext<Embedded>({ phase: 'off' });

export function useEmbedded(): Embedded {
  return useContext(EmbeddedContext);
}

/** The session's collection options follow the status's next action, as links do. */
function sessionBody(queryClient: QueryClient): EmbeddedSessionCreateBody {
  const action = queryClient.getQueryData<OnboardingStatus>(statusKey)?.next_action;
  return action ? { collect: action.collect, future_requirements: action.future_requirements } : {};
}

interface Outcome {
  attempt: number;
  instance: StripeConnectInstance | null;
  components: EmbeddedComponents | null;
  error: Error | null;
}

/** When the server said the merchant may try again (epoch ms), for each failure that said so. */
const retryTimes = new WeakMap<Error, number>();

export function retryAtOf(error: Error): number | null {
  return retryTimes.get(error) ?? null;
}

function noteFailure(error: unknown): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (failure instanceof ApiError && failure.retryAfter) retryTimes.set(failure, Date.now() + failure.retryAfter * 1000);
  return failure;
}

export function isNotConfigured(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.hasType('embedded-not-configured');
}

export function EmbeddedProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  // Observes the status the pages load (and the stream updates); never fetches on its own.
  const status = useQuery({ queryKey: statusKey, queryFn: getOnboardingStatus, enabled: false });
  const wanted = status.data?.surface === 'embedded' && status.data.state !== 'no_account';
  const config = usePublicConfig(wanted);
  const publishableKey = config.data?.publishable_key ?? null;
  const connectJsUrl = config.data?.connect_js_url ?? null;
  const [attempt, setAttempt] = useState(0);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    if (!wanted || !publishableKey) return;
    let cancelled = false;
    let instance: StripeConnectInstance | null = null;
    let components: EmbeddedComponents | null = null;
    // Ready once both the instance and the first session are there, whichever comes last.
    const publish = () => {
      if (!cancelled && instance && components) setOutcome({ attempt, instance, components, error: null });
    };
    const fetchClientSecret = async (): Promise<string> => {
      try {
        const session = await createEmbeddedSession(sessionBody(queryClient));
        components = session.components;
        publish();
        // Handed to Connect.js and kept nowhere else.
        return session.client_secret;
      } catch (error) {
        if (!cancelled) setOutcome({ attempt, instance: null, components: null, error: noteFailure(error) });
        throw error;
      }
    };
    startConnect({ publishableKey, connectJsUrl, fetchClientSecret }).then(
      (started) => {
        instance = started;
        publish();
      },
      (error: unknown) => {
        if (!cancelled) setOutcome({ attempt, instance: null, components: null, error: noteFailure(error) });
      },
    );
    return () => {
      cancelled = true;
      setOutcome(null);
      if (instance) void instance.logout().catch(() => undefined);
    };
  }, [wanted, publishableKey, connectJsUrl, attempt, queryClient]);

  const retry = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo<Embedded>(() => {
    if (!wanted) return { phase: 'off' };
    if (config.isError) return { phase: 'failed', error: config.error, retry: () => void config.refetch() };
    if (!config.data) return { phase: 'loading' };
    if (!config.data.publishable_key) return { phase: 'not-configured' };
    if (!outcome || outcome.attempt !== attempt) return { phase: 'loading' };
    if (outcome.error) {
      return isNotConfigured(outcome.error) ? { phase: 'not-configured' } : { phase: 'failed', error: outcome.error, retry };
    }
    if (outcome.instance && outcome.components) return { phase: 'ready', instance: outcome.instance, components: outcome.components };
    return { phase: 'loading' };
  }, [wanted, config, outcome, attempt, retry]);

  return <EmbeddedContext.Provider value={value}>{children}</EmbeddedContext.Provider>;
}
