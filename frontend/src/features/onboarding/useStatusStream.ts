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
 * On any stream error: refetch at once (a 401 there sends the merchant to sign in) and poll
 * meanwhile (the caller reads `mode`). A live stream that dropped (or a server draining for a
 * restart) is left to the browser, which reconnects after the server's `retry` delay and resumes
 * with `Last-Event-ID`, so an unchanged status is not sent again. A stream refused, or down again
 * before it reopened, is closed and reconnected with capped exponential backoff.
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
      let opened = false; // since this source's last error
      source.addEventListener('open', () => {
        attempt = 0;
        opened = true;
        setMode('live');
      });
      source.addEventListener('status', onStatusEvent as EventListener);
      source.addEventListener('error', () => {
        if (disposed) return;
        failed = true;
        setMode('polling');
        void invalidateStatus(queryClient);
        if (opened && source?.readyState === EventSource.CONNECTING) {
          opened = false; // the browser resumes; if that fails too, the next error backs off
          return;
        }
        source?.close();
        source = null;
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
