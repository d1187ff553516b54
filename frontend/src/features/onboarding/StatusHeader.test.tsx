import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { OnboardingState } from '../../api/types';
import { StatusHeader } from './StatusHeader';

const NOW = new Date(2027, 2, 3, 10, 0, 0); // March 3, 2027, 10:00 local time

const HEADLINES: [OnboardingState, string, RegExp][] = [
  ['no_account', 'Set up payments', /create your stripe account/i],
  ['not_started', 'Onboarding not started', /stripe needs some details/i],
  ['action_required', 'Stripe needs more information', /provide the items below/i],
  ['past_due', 'Information is past due', /payments or payouts may be paused/i],
  ['pending_verification', 'Stripe is verifying your information', /nothing to do right now/i],
  ['restricted', 'Your account is restricted', /stripe has limited/i],
  ['complete', 'Onboarding complete', /accept card payments and receive payouts/i],
];

describe('StatusHeader', () => {
  it.each(HEADLINES)('states %s in plain words', (state, headline, detail) => {
    render(<StatusHeader status={{ state, deadline: null }} now={NOW} />);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(headline);
    expect(screen.getByText(detail)).toBeInTheDocument();
    expect(screen.queryByTestId('deadline')).not.toBeInTheDocument();
  });

  it('shows the deadline as a date and "in N days"', () => {
    const deadline = new Date(2027, 2, 15, 18, 30).toISOString();
    render(<StatusHeader status={{ state: 'action_required', deadline }} now={NOW} />);
    const line = screen.getByTestId('deadline');
    expect(line).toHaveTextContent('Due by March 15, 2027 (in 12 days)');
    expect(line.querySelector('time')).toHaveAttribute('datetime', deadline);
  });

  it('says "tomorrow" and "today" for near deadlines', () => {
    const { rerender } = render(
      <StatusHeader status={{ state: 'action_required', deadline: new Date(2027, 2, 4, 9).toISOString() }} now={NOW} />,
    );
    expect(screen.getByTestId('deadline')).toHaveTextContent('(tomorrow)');
    rerender(<StatusHeader status={{ state: 'action_required', deadline: new Date(2027, 2, 3, 23).toISOString() }} now={NOW} />);
    expect(screen.getByTestId('deadline')).toHaveTextContent('Due by March 3, 2027 (today)');
  });

  it('says how long ago a past deadline was', () => {
    const deadline = new Date(2027, 1, 28, 12).toISOString();
    render(<StatusHeader status={{ state: 'past_due', deadline }} now={NOW} />);
    expect(screen.getByTestId('deadline')).toHaveTextContent('Was due February 28, 2027 (3 days ago)');
  });

  it('hides a leftover deadline once complete', () => {
    render(<StatusHeader status={{ state: 'complete', deadline: new Date(2027, 2, 15).toISOString() }} now={NOW} />);
    expect(screen.queryByTestId('deadline')).not.toBeInTheDocument();
  });
});
