import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { OnboardingStatus } from '../../api/types';
import { StatusHeader } from './StatusHeader';

const NOW = new Date(2027, 2, 3, 10, 0, 0); // March 3, 2027, 10:00 local time

type Header = Pick<OnboardingStatus, 'state' | 'headline' | 'detail' | 'tone' | 'deadline'>;

const ACTION_REQUIRED: Header = {
  state: 'action_required',
  headline: 'Stripe needs more information',
  detail: 'Provide the items below to keep your account fully enabled.',
  tone: 'warning',
  deadline: null,
};
const PAST_DUE: Header = {
  state: 'past_due',
  headline: 'Information is past due',
  detail: 'Some details are overdue. Payments or payouts may be paused until you provide them.',
  tone: 'danger',
  deadline: null,
};
const COMPLETE: Header = {
  state: 'complete',
  headline: 'Onboarding complete',
  detail: 'Your account is set up. You can accept card payments and receive payouts.',
  tone: 'success',
  deadline: null,
};

describe('StatusHeader', () => {
  it("states where onboarding stands in the server's words, coloured by its tone", () => {
    const { container } = render(<StatusHeader status={PAST_DUE} now={NOW} />);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Information is past due');
    expect(screen.getByText(/payments or payouts may be paused/i)).toBeInTheDocument();
    expect(container.querySelector('.status-card')).toHaveClass('tone-danger');
    expect(container.querySelector('.status-card')).toHaveAttribute('data-state', 'past_due');
    expect(screen.queryByTestId('deadline')).not.toBeInTheDocument();
  });

  it('shows the deadline as a date and "in N days"', () => {
    const deadline = new Date(2027, 2, 15, 18, 30).toISOString();
    render(<StatusHeader status={{ ...ACTION_REQUIRED, deadline }} now={NOW} />);
    const line = screen.getByTestId('deadline');
    expect(line).toHaveTextContent('Due by March 15, 2027 (in 12 days)');
    expect(line.querySelector('time')).toHaveAttribute('datetime', deadline);
  });

  it('says "tomorrow" and "today" for near deadlines', () => {
    const { rerender } = render(
      <StatusHeader status={{ ...ACTION_REQUIRED, deadline: new Date(2027, 2, 4, 9).toISOString() }} now={NOW} />,
    );
    expect(screen.getByTestId('deadline')).toHaveTextContent('(tomorrow)');
    rerender(<StatusHeader status={{ ...ACTION_REQUIRED, deadline: new Date(2027, 2, 3, 23).toISOString() }} now={NOW} />);
    expect(screen.getByTestId('deadline')).toHaveTextContent('Due by March 3, 2027 (today)');
  });

  it('says how long ago a past deadline was', () => {
    const deadline = new Date(2027, 1, 28, 12).toISOString();
    render(<StatusHeader status={{ ...PAST_DUE, deadline }} now={NOW} />);
    expect(screen.getByTestId('deadline')).toHaveTextContent('Was due February 28, 2027 (3 days ago)');
  });

  it('hides a leftover deadline once complete', () => {
    render(<StatusHeader status={{ ...COMPLETE, deadline: new Date(2027, 2, 15).toISOString() }} now={NOW} />);
    expect(screen.queryByTestId('deadline')).not.toBeInTheDocument();
  });
});
