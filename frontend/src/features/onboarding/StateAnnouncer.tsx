import { useEffect, useRef, useState } from 'react';
import type { OnboardingState } from '../../api/types';
import { stateCopy } from './copy';

/**
 * A polite live region that speaks when the overall state changes (not on first load),
 * so a screen-reader user hears what a sighted user sees change in the header.
 */
export function StateAnnouncer({ state }: { state: OnboardingState | undefined }) {
  const previous = useRef<OnboardingState | undefined>(undefined);
  const [message, setMessage] = useState('');

  useEffect(() => {
    if (state === undefined) return;
    if (previous.current !== undefined && previous.current !== state) {
      const copy = stateCopy(state);
      setMessage(`Status updated: ${copy.headline}. ${copy.detail}`.trim());
    }
    previous.current = state;
  }, [state]);

  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="state-announcer">
      {message}
    </div>
  );
}
