import { expect, test } from '@playwright/test';
import {
  ACTION_LABELS,
  HEADLINES,
  createAccount,
  expectHeadline,
  expectSameDocument,
  headline,
  markDocument,
  openHostedForm,
  signUp,
  snap,
} from '../support';

test('signed-out visitors land on sign in', async ({ page }) => {
  await page.goto('/');
  await page.waitForURL('**/login');
  await expect(headline(page)).toHaveText('Sign in');
  await snap(page, 'signed-out-login');

  // Keyboard: skip link first, then the form in reading order; errors are announced and focused.
  await page.goto('/login');
  await expect(page.getByLabel('Email')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Email')).toBeFocused();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
});

test('sign up → create account → Start onboarding → hosted form → Submit → complete, pushed live', async ({ page }) => {
  await signUp(page);
  await snap(page, 'no-account');
  await createAccount(page);
  await expectHeadline(page, HEADLINES.not_started);
  await snap(page, 'not-started');

  await openHostedForm(page, ACTION_LABELS.start);
  await page.getByRole('button', { name: 'Submit' }).click();

  // Back via /connect/return → /onboarding. "Checking with Stripe…" may flash first.
  await page.waitForURL('**/onboarding**', { timeout: 20_000 });
  await expect(headline(page)).not.toHaveText('Checking with Stripe…', { timeout: 20_000 });
  await markDocument(page);
  await expect(page.getByTestId('stream-mode')).toHaveAttribute('data-mode', 'live');

  const first = await headline(page).textContent();
  if (first === HEADLINES.pending_verification) await snap(page, 'pending-verification');

  // Stripe (the emulator) finishes verification and tells the BFF by webhook; the SSE stream
  // pushes the new status into the open page.
  await expectHeadline(page, HEADLINES.complete, 45_000);
  await expectSameDocument(page);
  await expect(page.getByTestId('capability-card_payments')).toHaveText('Active');
  await expect(page.getByTestId('capability-payouts')).toHaveText('Active');
  await expect(page.getByTestId('state-announcer')).toContainText('Status updated: Onboarding complete.');
  await snap(page, 'complete');
});
