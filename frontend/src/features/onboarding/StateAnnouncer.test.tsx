import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StateAnnouncer } from './StateAnnouncer';

describe('StateAnnouncer', () => {
  it('stays quiet on first load and announces each change of state politely', () => {
    const { rerender } = render(<StateAnnouncer state="pending_verification" />);
    const region = screen.getByRole('status');
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toBeEmptyDOMElement();

    rerender(<StateAnnouncer state="pending_verification" />);
    expect(region).toBeEmptyDOMElement();

    rerender(<StateAnnouncer state="complete" />);
    expect(region).toHaveTextContent('Status updated: Onboarding complete.');

    rerender(<StateAnnouncer state="past_due" />);
    expect(region).toHaveTextContent('Status updated: Information is past due.');
  });

  it('ignores the unknown state while loading', () => {
    const { rerender } = render(<StateAnnouncer state={undefined} />);
    rerender(<StateAnnouncer state="action_required" />);
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });
});
