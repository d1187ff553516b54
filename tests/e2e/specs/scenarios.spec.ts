import { expect, test } from '@playwright/test';
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
  openHostedForm,
  saveForLaterLeavingGaps,
  signUp,
  snap,
} from '../support';

test("the emulator's past-due scenario appears on the open dashboard within seconds", async ({ page }) => {
  await signUp(page);
  await createAccount(page);
  await openHostedForm(page, ACTION_LABELS.start);
  await saveForLaterLeavingGaps(page);
  await page.waitForURL('**/onboarding**');
  await expectHeadline(page, HEADLINES.action_required);
  await markDocument(page);

  // Move the emulator's clock past every current deadline.
  await emulator('/_emulator/clock/advance', { seconds: 90 * 24 * 3600 });

  await expectHeadline(page, HEADLINES.past_due, 15_000);
  await expectSameDocument(page);
  await expect(page.getByRole('region', { name: /Past due/ })).toBeVisible();
  await expect(page.getByRole('button', { name: ACTION_LABELS.fix_past_due })).toBeVisible();
  // (No assertion on "Was due": the emulator's clock moved, the browser's did not.)
  await expectActionMatchesStatus(page);

  // And a verification error on top of it, written so a person knows what to fix.
  await emulator(`/_emulator/accounts/${await accountId(page)}/verification_error`, {});
  await expect(page.getByRole('list', { name: /^Problems with / }).first()).toBeVisible({ timeout: 15_000 });
  await expectActionMatchesStatus(page);
  await snap(page, 'past-due-with-error');
});

test("the emulator's verification-error scenario appears on the open dashboard with the right call to action", async ({ page }) => {
  await signUp(page);
  await createAccount(page);
  await openHostedForm(page, ACTION_LABELS.start);
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.waitForURL('**/onboarding**');
  await expectHeadline(page, HEADLINES.complete, 45_000);
  await markDocument(page);

  await emulator(`/_emulator/accounts/${await accountId(page)}/verification_error`, {});

  const problems = page.getByRole('list', { name: /^Problems with / }).first();
  await expect(problems).toBeVisible({ timeout: 15_000 });
  await expect(problems.getByRole('listitem').first()).not.toBeEmpty();
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(HEADLINES.complete);
  await expectSameDocument(page);
  await expect(
    page.getByRole('button', { name: new RegExp(`^(${ACTION_LABELS.update}|${ACTION_LABELS.continue}|${ACTION_LABELS.fix_past_due})$`) }),
  ).toBeVisible();
  await expectActionMatchesStatus(page);
  await snap(page, 'verification-error');
});

test("the emulator's future-requirements scenario shows upcoming items and Review upcoming requirements", async ({ page }) => {
  await signUp(page);
  await createAccount(page);
  await openHostedForm(page, ACTION_LABELS.start);
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.waitForURL('**/onboarding**');
  await expectHeadline(page, HEADLINES.complete, 45_000);

  await emulator(`/_emulator/accounts/${await accountId(page)}/future_requirements`, {});

  await expect(page.getByRole('region', { name: /Upcoming/ })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: ACTION_LABELS.review_future })).toBeVisible();
  await expectActionMatchesStatus(page);
  await snap(page, 'upcoming-requirements');
});
