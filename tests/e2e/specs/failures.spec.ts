/** What a merchant sees when things fail: the server, Stripe, the session; and keyboard focus. */
import { expect, test } from '@playwright/test';
import {
  ACTION_LABELS,
  HEADLINES,
  createAccount,
  emulator,
  emulatorDelete,
  expectHeadline,
  expectSameDocument,
  headline,
  markDocument,
  openHostedForm,
  signUp,
  snap,
} from '../support';

const UNCONFIRMED = "We couldn't confirm with Stripe yet";

test('when the server stops answering, the page says so instead of "Live updates on", and recovers', async ({ page }) => {
  await signUp(page);
  await createAccount(page);
  const mode = page.getByTestId('stream-mode');
  await expect(mode).toHaveText('Live updates on');

  // The stream stays open (as while a server shuts down), but status requests fail from now on.
  await page.route('**/api/onboarding/status', (route) => route.abort('connectionrefused'));
  // The next status read (the tab regaining focus, once the data is a few seconds old) fails.
  await expect
    .poll(
      async () => {
        await page.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
        return mode.getAttribute('data-connection');
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe('failing');
  await expect(mode).toHaveText("Can't reach the server — retrying");
  await expect(page.getByText('Live updates on')).toHaveCount(0);
  await expect(page.getByTestId('connection-announcer')).toHaveText("Can't reach the server. This page keeps retrying.");
  await expect(headline(page)).toHaveText(HEADLINES.not_started);
  await snap(page, 'server-unreachable');

  // It keeps retrying on its own; once the server answers, it says so.
  await page.unroute('**/api/onboarding/status');
  await expect(mode).toHaveText('Live updates on', { timeout: 20_000 });
  await expect(page.getByTestId('connection-announcer')).toHaveText('Connected to the server again.');
});

test('back from Stripe while Stripe fails: "could not confirm yet", then the real status once Stripe answers', async ({ page }) => {
  await signUp(page);
  await createAccount(page);

  // Reading accounts from Stripe fails from now on (links and the hosted form still work):
  // neither /connect/return nor the webhook worker can learn what the merchant submits.
  await emulator('/_emulator/faults', { count: 100_000, status: 503, paths: ['/v2/core/accounts'] });
  try {
    await openHostedForm(page, ACTION_LABELS.start);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL('**/onboarding**', { timeout: 30_000 });
    await expectHeadline(page, UNCONFIRMED, 30_000);
    await markDocument(page);
    await expect(page.getByText(/This page keeps checking and updates on its own/)).toBeVisible();
    // The list from before the merchant left is not presented as the truth.
    await expect(page.getByRole('region', { name: /^Due now/ })).toBeHidden();
    await expect(page.getByRole('button', { name: ACTION_LABELS.start })).toHaveCount(0);
    await snap(page, 'return-unconfirmed');
  } finally {
    await emulatorDelete('/_emulator/faults');
  }

  // Stripe answers again: the page's own re-check (or the webhook's retry) brings the real
  // status into the open page.
  await expect(headline(page)).not.toHaveText(UNCONFIRMED, { timeout: 60_000 });
  await expectSameDocument(page);
  await expect(headline(page)).toHaveText(new RegExp(`^(${HEADLINES.pending_verification}|${HEADLINES.complete})$`));
});

test('a session that fails to load says so and offers Retry', async ({ page }) => {
  await signUp(page);
  await page.route('**/api/auth/session', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'The service is temporarily unavailable.' }),
    }),
  );
  await page.reload();
  const alert = page.getByRole('alert').filter({ hasText: "We couldn't load your session" });
  await expect(alert).toBeVisible({ timeout: 20_000 });
  await expect(alert).toContainText('The service is temporarily unavailable.');

  await page.unroute('**/api/auth/session');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expectHeadline(page, HEADLINES.no_account);
});

test('warns before the idle timeout; "Stay signed in" is an authenticated request that keeps the session', async ({ page }) => {
  // Only the page's clock moves: the BFF's idle timeout (30 minutes) is real.
  await page.clock.install();
  await signUp(page);
  await createAccount(page);
  await expect(page.getByTestId('stream-mode')).toHaveText('Live updates on');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);

  await page.clock.fastForward('28:00');
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName(/^You'll be signed out in 1:\d\d for inactivity$/);
  const stay = page.getByRole('button', { name: 'Stay signed in' });
  await expect(stay).toBeFocused();
  await expect(page.getByTestId('session-countdown')).toHaveAttribute('aria-live', 'off');
  await snap(page, 'session-timeout');

  const touched = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/auth/session' && res.status() === 200);
  await page.keyboard.press('Enter');
  const session = (await (await touched).json()) as { merchant: unknown };
  expect(session.merchant).not.toBeNull();
  // The server's answer (and its clock) puts the end of the session 30 minutes away again.
  await expect(dialog).toHaveCount(0);
  await expect(headline(page)).toHaveText(HEADLINES.not_started);
});

test('keyboard focus is never dropped on <body> by busy buttons or replaced forms', async ({ page }) => {
  await signUp(page);
  await expectHeadline(page, HEADLINES.no_account);

  await page.getByRole('button', { name: 'Create Stripe account' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: ACTION_LABELS.start })).toBeVisible();
  // The form is gone: focus is on the new state's headline, and Tab reaches its button next.
  await expect(headline(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: ACTION_LABELS.start })).toBeFocused();

  // "Check now" is busy for a moment and keeps focus throughout.
  const check = page.getByRole('button', { name: 'Check now' });
  await check.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /^(Checking…|Check now)$/ })).toBeFocused();
  await expect(check).toBeFocused();
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
});
