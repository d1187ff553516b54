import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { STATUS_STREAM_URL } from '../../api/client';
import type { OnboardingStatus } from '../../api/types';
import { applyStatus, invalidateStatus } from './queries';

/**
 * `connecting` only before the first attempt has settled; after a failure, reconnection attempts
 * stay `polling` until one opens, so the words on screen do not flip with every attempt.
 */
export type StreamMode = 'connecting' | 'live' | 'polling';

const MAX_BACKOFF_MS = 30_000;

/**
 * Keep the status query fresh from the server-sent event stream.
 * On any stream error: close, refetch at once (a 401 there sends the merchant to sign in),
 * poll meanwhile (the caller reads `mode`), and reconnect with capped exponential backoff.
 */
export function useStatusStream(enabled: boolean, onStatus?: (status: OnboardingStatus) => void): StreamMode {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<StreamMode>('connecting');
  const supported = enabled && typeof EventSource !== 'undefined';

  useEffect(() => {
    if (!supported) return;
    let source: EventSource | null = null;
    let timer: number | undefined;
    let attempt = 0;
    let disposed = false;
    let failed = false;

    const onStatusEvent = (event: MessageEvent<string>) => {
      try {
        const status = JSON.parse(event.data) as OnboardingStatus;
        applyStatus(queryClient, status);
        onStatus?.(status);
      } catch {
        // A malformed event is ignored; the next snapshot or a refetch corrects the view.
      }
    };

    const connect = () => {
      if (disposed) return;
      if (!failed) setMode('connecting');
      source = new EventSource(STATUS_STREAM_URL, { withCredentials: true });
      source.addEventListener('open', () => {
        attempt = 0;
        setMode('live');
      });
      source.addEventListener('status', onStatusEvent as EventListener);
      source.addEventListener('error', () => {
        source?.close();
        source = null;
        if (disposed) return;
        failed = true;
        setMode('polling');
        void invalidateStatus(queryClient);
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) + Math.floor(Math.random() * 500);
        attempt += 1;
        timer = window.setTimeout(connect, delay);
      });
    };

    connect();
    return () => {
      disposed = true;
      source?.close();
      window.clearTimeout(timer);
    };
  }, [supported, queryClient, onStatus]);

  return supported ? mode : 'polling';
}
