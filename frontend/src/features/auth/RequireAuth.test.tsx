import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '../../test/utils';
import { RequireAuth } from './RequireAuth';

const signedIn = {
  merchant: { id: 'm_1', email: 'ada@example.com', business_name: 'Ada Bakery' },
  csrf_token: 'csrf-1',
  expires_at: '2027-03-03T12:00:00Z',
};

function renderProtected() {
  renderWithProviders(
    <Routes>
      <Route element={<RequireAuth />}>
        <Route
          path="/onboarding"
          element={
            <main id="main" tabIndex={-1}>
              Dashboard here
            </main>
          }
        />
      </Route>
    </Routes>,
    { route: '/onboarding' },
  );
}

describe('RequireAuth', () => {
  it('when the session cannot be loaded, says so and offers Retry, keeping the alert in place while it retries', async () => {
    let up = false;
    let release: () => void = () => undefined;
    let gate: Promise<void> | null = null;
    const fetchMock = mockFetch(async () => {
      if (gate) await gate;
      return up ? jsonResponse(200, signedIn) : jsonResponse(503, { title: 'Service Unavailable', status: 503, detail: 'The service is unavailable.' });
    });
    renderProtected();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't load your session");
    expect(alert).toHaveTextContent('The service is unavailable.');
    const retry = screen.getByRole('button', { name: 'Retry' });

    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    up = true;
    retry.focus();
    await userEvent.keyboard('{Enter}');
    // Busy, still focused, and the alert is the same element (not re-announced).
    expect(await screen.findByRole('button', { name: 'Retrying…' })).toHaveFocus();
    expect(screen.getByRole('alert')).toBe(alert);
    expect(fetchMock).toHaveBeenCalledTimes(2);

    release();
    expect(await screen.findByText('Dashboard here')).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
