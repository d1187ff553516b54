import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { OnboardingState } from '../../api/types';
import { StateAnnouncer } from './StateAnnouncer';

function words(state: OnboardingState, headline: string, detail = '') {
  return { state, headline, detail };
}

const VERIFYING = words('pending_verification', 'Stripe is verifying your information', 'Nothing to do right now.');
const COMPLETE = words('complete', 'Onboarding complete', 'Your account is set up.');
const PAST_DUE = words('past_due', 'Information is past due', 'Some details are overdue.');

describe('StateAnnouncer', () => {
  it('stays quiet on first load and announces each change of state politely', () => {
    const { rerender } = render(<StateAnnouncer status={VERIFYING} />);
    const region = screen.getByRole('status');
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toBeEmptyDOMElement();

    rerender(<StateAnnouncer status={{ ...VERIFYING }} />);
    expect(region).toBeEmptyDOMElement();

    rerender(<StateAnnouncer status={COMPLETE} />);
    expect(region).toHaveTextContent('Status updated: Onboarding complete. Your account is set up.');

    rerender(<StateAnnouncer status={PAST_DUE} />);
    expect(region).toHaveTextContent('Status updated: Information is past due.');
  });

  it('ignores the unknown state while loading', () => {
    const { rerender } = render(<StateAnnouncer status={undefined} />);
    rerender(<StateAnnouncer status={words('action_required', 'Stripe needs more information')} />);
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });
});
