import { expect, test, type Page } from '@playwright/test';
import {
  ACTION_LABELS,
  HEADLINES,
  accountId,
  createAccount,
  emulator,
  expectActionMatchesStatus,
  expectHeadline,
  expectSameDocument,
  markDocument,
  signUp,
  snap,
} from '../support';

const DAY = 24 * 3600;

/** The status card: a region named by its headline. */
function statusCard(page: Page, name: string) {
  return page.getByRole('region', { name });
}

/** No link can help: no button in the status card, a "Contact support" block with a real link. */
async function expectSupportOnly(page: Page, headlineText: string): Promise<void> {
  await expect(statusCard(page, headlineText).getByRole('button')).toHaveCount(0);
  const support = page.getByRole('region', { name: 'Contact support', exact: true });
  await expect(support).toBeVisible();
  await expect(support.getByRole('link', { name: 'support@gangway.example' })).toHaveAttribute('href', 'mailto:support@gangway.example');
  await expect(support.getByRole('link', { name: /support centre/ })).toHaveAttribute('href', 'https://help.gangway.example/contact');
}

/** Signs up, creates an account and completes Stripe's form through the emulator's control. */
async function completeAccount(page: Page): Promise<string> {
  await signUp(page);
  await createAccount(page);
  await markDocument(page);
  const id = await accountId(page);
  await emulator(`/_emulator/accounts/${id}/submit`, { fields: 'eventually_due', link_returned: true });
  await expectHeadline(page, HEADLINES.complete, 45_000);
  await expectSameDocument(page);
  return id;
}

test('a fresh account is "not started" with items due now, then rejected, then closed, all live', async ({ page }) => {
  await signUp(page);
  await createAccount(page);
  await markDocument(page);

  // Stripe reports a fresh account's every requirement past due; the merchant sees "due now".
  await expectHeadline(page, HEADLINES.not_started);
  await expect(page.getByRole('region', { name: /^Due now/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Past due/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: ACTION_LABELS.start })).toBeVisible();
  await expect(page.getByTestId('capability-card_payments-hint')).not.toBeEmpty();
  await snap(page, 'state-fresh');

  const id = await accountId(page);
  await emulator(`/_emulator/accounts/${id}/capability_status`, { code: 'rejected_fraud' });
  await expectHeadline(page, HEADLINES.rejected);
  await expectSameDocument(page);
  await expect(page.getByTestId('status-reason')).toHaveText('Stripe rejected the account after a fraud review.');
  await expectSupportOnly(page, HEADLINES.rejected);
  await snap(page, 'state-rejected');

  await emulator(`/_emulator/accounts/${id}/close`);
  await expectHeadline(page, HEADLINES.closed);
  await expectSameDocument(page);
  await expectSupportOnly(page, HEADLINES.closed);
  await snap(page, 'state-closed');
});

test('a complete account shows upcoming requirements with their date, then "contact support" when only Stripe can help', async ({
  page,
}) => {
  const id = await completeAccount(page);

  await emulator(`/_emulator/accounts/${id}/future_requirements`, {
    transition_in_seconds: 30 * DAY,
    deadline_in_seconds: 44 * DAY,
  });
  await expectHeadline(page, HEADLINES.complete_with_upcoming);
  await expectSameDocument(page);
  const upcoming = page.getByRole('region', { name: /^Upcoming/ });
  await expect(upcoming).toBeVisible();
  await expect(upcoming.getByTestId('upcoming-deadline')).toHaveText(/^Required from \w+ \d{1,2}, \d{4}/);
  await expect(page.getByRole('button', { name: ACTION_LABELS.review_future })).toBeVisible();
  await expectActionMatchesStatus(page);
  await snap(page, 'state-upcoming');

  await emulator(`/_emulator/accounts/${id}/capability_status`, { code: 'restricted_other' });
  await expectHeadline(page, HEADLINES.contact_support);
  await expectSameDocument(page);
  await expect(page.getByTestId('status-reason')).toHaveText('Stripe has restricted the account and needs to talk to you.');
  await expectSupportOnly(page, HEADLINES.contact_support);
  await snap(page, 'state-contact-support');
});

test('a verification error on a complete account appears live, with what to fix and the right button', async ({ page }) => {
  const id = await completeAccount(page);

  await emulator(`/_emulator/accounts/${id}/verification_error`, {});
  const problems = page.getByRole('list', { name: /^Problems with / }).first();
  await expect(problems).toBeVisible({ timeout: 15_000 });
  await expect(problems.getByRole('listitem').first()).not.toBeEmpty();
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(HEADLINES.complete);
  await expectSameDocument(page);
  await expectActionMatchesStatus(page);
  await snap(page, 'state-verification-error');
});
