/**
 * Accounts that must use embedded components (no Stripe dashboard, Stripe liable for losses;
 * GANGWAY_ONBOARDING_SURFACE left to `auto`): there is no Stripe dashboard to send them to, so
 * they must never meet "use your Stripe dashboard". Runs against the `embedded-required` BFF.
 */
import { expect, test } from '@playwright/test';
import { REQUIRED } from '../env';
import { HEADLINES, accountId, apiGet, expectHeadline, signUp } from '../support';

test('an account that must use embedded components onboards in the page and can update its information afterwards', async ({ page }) => {
  await signUp(page, 'Quayside Ceramics');
  await expectHeadline(page, HEADLINES.no_account);
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel('Business type').selectOption('individual');
  await page.getByRole('button', { name: 'Create Stripe account' }).click();
  await expectHeadline(page, HEADLINES.not_started);

  // `auto` chose embedded for this account.
  const { body: status } = await apiGet<{ surface: string; next_action: { surface: string; component: string } | null }>(
    page,
    '/api/onboarding/status',
  );
  expect(status.surface).toBe('embedded');
  expect(status.next_action).toMatchObject({ surface: 'embedded', component: 'account_onboarding' });

  const onboarding = page.getByTestId('embedded-onboarding');
  await onboarding.getByRole('button', { name: 'Submit' }).click({ timeout: 20_000 });
  await expectHeadline(page, HEADLINES.complete, 45_000);

  // Complete, yet the merchant can still change their information: through account management,
  // in the page (no "use your Stripe dashboard" dead end, and no link to a Stripe page).
  const update = page.getByRole('link', { name: 'Update your information' });
  await expect(update).toBeVisible();
  await update.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expect(page.getByText('None (managed here)')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open Stripe dashboard' })).toHaveCount(0);

  const management = page.getByTestId('account-management');
  await expect(management.getByRole('heading', { name: 'Account details' })).toBeVisible({ timeout: 20_000 });
  await expect(management).toContainText('•••• 6789');
  await management.getByRole('button', { name: 'Change bank account' }).click();
  await management.getByLabel('Routing number').fill('110000000');
  await management.getByLabel('Account number').fill('000999994321');
  await management.getByRole('button', { name: 'Save bank account' }).click();
  await expect(management).toContainText('Bank account updated.');
  await expect(management).toContainText('•••• 4321');

  // And the business details: edited and saved in the page.
  await management.getByRole('button', { name: 'Edit business details' }).click();
  await management.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(management).toContainText('Your details were saved.');

  // Stripe (the emulator) has the new bank account; every page stayed on the SPA's origin.
  const res = await fetch(`${REQUIRED.emulatorUrl}/_emulator/accounts/${await accountId(page)}`);
  expect(JSON.stringify(await res.json())).toContain('4321');
  expect(new URL(page.url()).origin).toBe(REQUIRED.bffUrl);
});
