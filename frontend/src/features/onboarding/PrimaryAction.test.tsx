import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../../api/client';
import { jsonResponse, mockFetch, nextAction, renderWithProviders } from '../../test/utils';
import { PrimaryAction } from './PrimaryAction';

describe('PrimaryAction', () => {
  beforeEach(() => {
    setCsrfToken('csrf-123');
  });

  it('labels the button with the words the server sends', () => {
    renderWithProviders(<PrimaryAction action={nextAction('fix_past_due', 'Fix past-due items')} go={vi.fn()} />);
    expect(screen.getByRole('button', { name: 'Fix past-due items' })).toBeEnabled();
  });

  it('mints a link with next_action parameters, shows a pending state and navigates to it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fetchMock = mockFetch(async () => {
      await gate;
      return jsonResponse(201, {
        url: 'https://connect.example/setup/abc',
        expires_at: '2027-03-03T10:05:00Z',
        use_case: 'account_update',
      });
    });
    const go = vi.fn();
    renderWithProviders(<PrimaryAction action={nextAction('review_future', 'Review upcoming requirements')} version={7} go={go} />);

    await userEvent.click(screen.getByRole('button', { name: 'Review upcoming requirements' }));
    const pending = await screen.findByRole('button', { name: 'Opening Stripe…' });
    // Busy, but not `disabled`: a disabled button would drop keyboard focus to <body>.
    expect(pending).toHaveAttribute('aria-disabled', 'true');
    expect(pending).toHaveAttribute('aria-busy', 'true');
    expect(pending).toHaveFocus();

    release();
    await waitFor(() => {
      expect(go).toHaveBeenCalledWith('https://connect.example/setup/abc');
    });

    const request = fetchMock.mock.calls[0]?.[0] as Request;
    expect(new URL(request.url).pathname).toBe('/api/onboarding/links');
    expect(request.method).toBe('POST');
    expect(request.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(request.headers.get('Content-Type')).toBe('application/json');
    expect(await request.json()).toEqual({
      use_case: 'account_update',
      collect: 'currently_due',
      future_requirements: 'include',
    });
    // The link itself is never kept anywhere.
    const stored = Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.getItem(sessionStorage.key(i) ?? '')).join('');
    expect(stored).not.toContain('connect.example');
  });

  it('is usable again, with no departure to confirm, when Back restores the page from the bfcache', async () => {
    mockFetch(() => jsonResponse(201, { url: 'https://connect.example/setup/abc', expires_at: '2027-03-03T10:05:00Z', use_case: 'account_onboarding' }));
    const go = vi.fn();
    renderWithProviders(<PrimaryAction action={nextAction('continue', 'Continue onboarding')} version={3} go={go} />);
    await userEvent.click(screen.getByRole('button', { name: 'Continue onboarding' }));
    await waitFor(() => {
      expect(go).toHaveBeenCalledTimes(1);
    });
    // Left for Stripe: busy until the page unloads, with the departure remembered.
    expect(screen.getByRole('button', { name: 'Opening Stripe…' })).toHaveAttribute('aria-busy', 'true');
    expect(sessionStorage.getItem('gangway.onboarding.departure')).toContain('"version":3');

    act(() => {
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    });
    const again = await screen.findByRole('button', { name: 'Continue onboarding' });
    expect(again).toBeEnabled();
    expect(sessionStorage.getItem('gangway.onboarding.departure')).toBeNull();
    await userEvent.click(again);
    await waitFor(() => {
      expect(go).toHaveBeenCalledTimes(2);
    });
  });

  it('on 429 asks the merchant to wait, counting down outside the alert, and keeps the button unavailable meanwhile', async () => {
    mockFetch(() =>
      jsonResponse(429, { type: 'https://gangway.dev/problems/rate-limited', title: 'Too Many Requests', status: 429 }, { 'Retry-After': '30' }),
    );
    const go = vi.fn();
    renderWithProviders(<PrimaryAction action={nextAction('continue', 'Continue onboarding')} go={go} />);
    const button = screen.getByRole('button', { name: 'Continue onboarding' });
    await userEvent.click(button);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many attempts. Please wait a moment, then try again.');
    expect(screen.getByTestId('retry-countdown')).toHaveTextContent(/^(30|29) seconds$/);
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(button).toHaveFocus();
    expect(button).toHaveAccessibleDescription(/^Too many attempts\. Please wait a moment, then try again\. You can try again in (30|29) seconds\./);
    await userEvent.click(button);
    expect(go).not.toHaveBeenCalled();
  });

  it('keeps the ticking seconds out of the alert, so the wait is announced once and not every second', async () => {
    mockFetch(() =>
      jsonResponse(503, { type: 'about:blank', title: 'Service Unavailable', status: 503 }, { 'Retry-After': '2' }),
    );
    renderWithProviders(<PrimaryAction action={nextAction('start', 'Start onboarding')} go={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Start onboarding' }));

    const alert = await screen.findByRole('alert');
    const announced = alert.textContent;
    expect(announced).toBe('Stripe is temporarily unavailable.');
    const countdown = screen.getByTestId('retry-countdown');
    // Not inside any live region: not the alert, nor a status or an aria-live ancestor.
    expect(countdown.closest('[role="alert"], [role="status"], [aria-live]:not([aria-live="off"])')).toBeNull();
    const first = countdown.textContent;
    await waitFor(
      () => {
        expect(screen.getByTestId('retry-countdown').textContent).not.toBe(first);
      },
      { timeout: 2500 },
    );
    // Same alert element, same words: nothing for a screen reader to repeat.
    expect(screen.getByRole('alert')).toBe(alert);
    expect(alert.textContent).toBe(announced);
    // When the wait is over, that is said once, politely.
    expect(await screen.findByText('You can try again now.', undefined, { timeout: 2500 })).toHaveAttribute('role', 'status');
    expect(screen.queryByTestId('retry-countdown')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start onboarding' })).not.toHaveAttribute('aria-disabled');
  });

  it('keeps the same alert mounted while the merchant tries again, until it succeeds', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    mockFetch(async () => {
      calls += 1;
      if (calls === 2) {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }
      return jsonResponse(502, { type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'Stripe answered with an error.' });
    });
    renderWithProviders(<PrimaryAction action={nextAction('start', 'Start onboarding')} go={vi.fn()} />);
    const button = screen.getByRole('button', { name: 'Start onboarding' });
    await userEvent.click(button);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Stripe answered with an error.');

    await userEvent.click(button);
    expect(await screen.findByRole('button', { name: 'Opening Stripe…' })).toHaveFocus();
    // While the second attempt runs, the alert is still the same element.
    expect(screen.getByRole('alert')).toBe(alert);
    release();
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Start onboarding' })).not.toHaveAttribute('aria-busy');
    });
    expect(screen.getByRole('alert')).toBe(alert);
    expect(alert).toHaveTextContent('Stripe answered with an error.');
  });

  it('on 503 says Stripe is unavailable and lets the merchant try again', async () => {
    let calls = 0;
    mockFetch(() => {
      calls += 1;
      return calls === 1
        ? jsonResponse(503, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Stripe is unavailable' })
        : jsonResponse(201, { url: 'https://connect.example/setup/2', expires_at: '2027-03-03T10:05:00Z', use_case: 'account_onboarding' });
    });
    const go = vi.fn();
    renderWithProviders(<PrimaryAction action={nextAction('start', 'Start onboarding')} go={go} />);
    await userEvent.click(screen.getByRole('button', { name: 'Start onboarding' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Stripe is temporarily unavailable. Please try again.');

    await userEvent.click(screen.getByRole('button', { name: 'Start onboarding' }));
    await waitFor(() => {
      expect(go).toHaveBeenCalledWith('https://connect.example/setup/2');
    });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows other problems inline with their detail', async () => {
    mockFetch(() =>
      jsonResponse(409, {
        type: 'https://gangway.dev/problems/update-not-allowed',
        title: 'Conflict',
        status: 409,
        detail: 'Your account cannot be updated until onboarding is finished.',
      }),
    );
    renderWithProviders(<PrimaryAction action={nextAction('update', 'Update your information')} go={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Update your information' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your account cannot be updated until onboarding is finished.');
  });

  it('mints only one link when the button is double-clicked', async () => {
    const fetchMock = mockFetch(() =>
      jsonResponse(201, { url: 'https://connect.example/setup/once', expires_at: '2027-03-03T10:05:00Z', use_case: 'account_onboarding' }),
    );
    const go = vi.fn();
    renderWithProviders(<PrimaryAction action={nextAction('start', 'Start onboarding')} go={go} />);
    const button = screen.getByRole('button', { name: 'Start onboarding' });
    // Two clicks in the same tick, before React can re-render the button as disabled.
    act(() => {
      button.click();
      button.click();
    });
    await waitFor(() => {
      expect(go).toHaveBeenCalledTimes(1);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(go).toHaveBeenCalledWith('https://connect.example/setup/once');
  });
});
