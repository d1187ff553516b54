import { useEffect, useRef, useState } from 'react';
import type { OnboardingStatus } from '../../api/types';

/**
 * A polite live region that speaks when the overall state changes (not on first load),
 * so a screen-reader user hears what a sighted user sees change in the header.
 */
export function StateAnnouncer({
  status,
}: {
  /** `state` may also be a page-level state of the dashboard's own, e.g. "unconfirmed". */
  status: (Omit<Pick<OnboardingStatus, 'state' | 'headline' | 'detail'>, 'state'> & { state: string }) | undefined;
}) {
  const previous = useRef<string | undefined>(undefined);
  const [message, setMessage] = useState('');
  const state = status?.state;
  const headline = status?.headline;
  const detail = status?.detail;

  useEffect(() => {
    if (state === undefined) return;
    if (previous.current !== undefined && previous.current !== state) {
      setMessage(`Status updated: ${headline ?? ''}. ${detail ?? ''}`.trim());
    }
    previous.current = state;
  }, [state, headline, detail]);

  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="state-announcer">
      {message}
    </div>
  );
}
