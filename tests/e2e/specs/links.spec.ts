import { expect, test } from '@playwright/test';
import { ACTION_LABELS, HEADLINES, createAccount, expectActionMatchesStatus, headline, openHostedForm, saveForLaterLeavingGaps, signUp, snap } from '../support';

test('a used link goes through /connect/refresh to a fresh form; "Save for later" shows what is still due', async ({ page }) => {
  await signUp(page);
  await createAccount(page);

  const firstLink = await openHostedForm(page, ACTION_LABELS.start);

  // Account Links are single-use: opening the same one again sends the browser to the
  // refresh_url, where the BFF mints a new link and redirects to it.
  const viaRefresh = page.waitForRequest((req) => new URL(req.url()).pathname === '/connect/refresh', { timeout: 20_000 });
  await page.goto(firstLink);
  await viaRefresh;
  await page.waitForURL((url) => url.href !== firstLink && !url.pathname.startsWith('/connect/'), { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Save for later' })).toBeVisible();

  await saveForLaterLeavingGaps(page);
  await page.waitForURL('**/onboarding**', { timeout: 20_000 });
  await expect(headline(page)).toHaveText(HEADLINES.action_required);
  const dueNow = page.getByRole('region', { name: /Due now/ });
  await expect(dueNow).toBeVisible();
  await expect(dueNow.getByRole('listitem').first()).toBeVisible();
  await expect(page.getByRole('button', { name: ACTION_LABELS.continue })).toBeVisible();
  await expectActionMatchesStatus(page);
  await snap(page, 'action-required');
});
