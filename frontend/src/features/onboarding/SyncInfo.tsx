import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { timeAgo } from './dates';
import { useSyncStatus } from './queries';
import type { StreamMode } from './useStatusStream';

function useNow(intervalMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = window.setInterval(() => {
      setNow(new Date());
    }, intervalMs);
    return () => {
      window.clearInterval(t);
    };
  }, [intervalMs]);
  return now;
}

const MODE_TEXT: Record<StreamMode, string> = {
  live: 'Live updates on',
  connecting: 'Connecting for live updates…',
  polling: 'Reconnecting — refreshing every few seconds',
};

export function SyncInfo({ syncedAt, mode, canSync }: { syncedAt: string | null; mode: StreamMode; canSync: boolean }) {
  const now = useNow(30_000);
  const sync = useSyncStatus();
  const ago = timeAgo(syncedAt, now);
  let error: string | null = null;
  if (sync.error instanceof ApiError) {
    error =
      sync.error.status === 429
        ? `Checked very recently. Try again${sync.error.retryAfter ? ` in ${String(sync.error.retryAfter)} seconds` : ' shortly'}.`
        : sync.error.message;
  }
  return (
    <div className="sync-info">
      <p className="sync-line">
        <span className={`live-dot live-${mode}`} aria-hidden="true" />
        <span data-testid="stream-mode" data-mode={mode}>
          {MODE_TEXT[mode]}
        </span>
        {ago && (
          <>
            <span aria-hidden="true"> · </span>
            <span>Last checked with Stripe {ago}</span>
          </>
        )}
      </p>
      {canSync && (
        <Button
          variant="ghost"
          className="btn-sm"
          pending={sync.isPending}
          pendingLabel="Checking…"
          onClick={() => {
            sync.mutate();
          }}
        >
          Check now
        </Button>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
