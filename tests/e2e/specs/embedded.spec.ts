/**
 * Embedded onboarding (GANGWAY_ONBOARDING_SURFACE=embedded, Express accounts): Stripe's form
 * (the emulator's Connect.js stand-in) inside the SPA, the notification banner, the account page.
 * Runs against the `embedded` BFF of playwright.config.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import { EMBEDDED } from '../env';
import { HEADLINES, expectHeadline, expectSameDocument, headline, markDocument, signUp, snap } from '../support';

/** Every top-level navigation of the page, same-document ones included. */
function recordNavigations(page: Page): string[] {
  const urls: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

function isStripePage(url: string): boolean {
  if (url === 'about:blank') return false;
  const { hostname, origin } = new URL(url);
  return hostname === 'stripe.com' || hostname.endsWith('.stripe.com') || origin === EMBEDDED.emulatorUrl;
}

async function createEmbeddedAccount(page: Page): Promise<void> {
  await expectHeadline(page, HEADLINES.no_account);
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel('Business type').selectOption('individual');
  await page.getByRole('button', { name: 'Create Stripe account' }).click();
  await expectHeadline(page, HEADLINES.not_started);
}

test('embedded onboarding completes inside the SPA, the status turns complete live, and Back never lands on Stripe', async ({ page }) => {
  const navigations = recordNavigations(page);
  const stripeRequests: string[] = [];
  page.on('request', (request) => {
    const { hostname } = new URL(request.url());
    if (hostname === 'stripe.com' || hostname.endsWith('.stripe.com')) stripeRequests.push(request.url());
  });

  await signUp(page, 'Tidewater Bakery');
  await createEmbeddedAccount(page);

  // No hosted-link button: the form is in the page, loaded from the emulator's Connect.js stand-in.
  const onboarding = page.getByTestId('embedded-onboarding');
  await expect(onboarding.getByRole('heading', { name: 'Start onboarding' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start onboarding' })).toHaveCount(0);
  const submit = onboarding.getByRole('button', { name: 'Submit' });
  await expect(submit).toBeVisible({ timeout: 20_000 });

  // A fresh account is past due: Stripe's banner says so at the top of every signed-in page.
  const banner = page.getByTestId('notification-banner');
  await expect(banner.getByRole('button', { name: 'Resolve' })).toBeVisible();
  await expect(banner).toContainText('Your account needs attention');
  await snap(page, 'embedded-onboarding');

  // The account page has the banner too, and Stripe's account management.
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expect(page.getByTestId('notification-banner').getByRole('button', { name: 'Resolve' })).toBeVisible();
  await expect(page.getByTestId('account-management').getByRole('heading', { name: 'Account details' })).toBeVisible();
  await snap(page, 'embedded-banner');

  // Back to onboarding: submit the (pre-filled) form without leaving the page.
  await page.getByRole('link', { name: 'Onboarding', exact: true }).click();
  await expect(submit).toBeVisible({ timeout: 20_000 });
  await markDocument(page);
  await submit.click();
  // The form thanks the merchant and calls onExit; the status moves on (the form then goes,
  // as nothing is left to fill in), all in the same page.
  await expect(headline(page)).not.toHaveText(HEADLINES.not_started, { timeout: 20_000 });

  // onExit re-read the account; the emulator's verification finishes and the webhook, then the
  // status stream, bring "complete" into the open page.
  await expectHeadline(page, HEADLINES.complete, 45_000);
  await expectSameDocument(page);
  await expect(page.getByTestId('capability-card_payments')).toHaveText('Active');
  await expect(page.getByTestId('capability-payouts')).toHaveText('Active');
  // Nothing is due any more: the banner has nothing to say.
  await expect(page.getByTestId('notification-banner')).toBeHidden();

  // Every top-level navigation stayed on the SPA's origin; nothing was loaded from Stripe.
  expect(navigations.length).toBeGreaterThan(0);
  for (const url of navigations) expect(new URL(url).origin, url).toBe(EMBEDDED.bffUrl);
  expect(stripeRequests).toEqual([]);

  // Back, all the way: never a Stripe page (neither stripe.com nor the emulator's hosted form).
  const landed: string[] = [];
  for (let i = 0; i < 10 && page.url() !== 'about:blank'; i += 1) {
    await page.goBack({ waitUntil: 'commit' }).catch(() => null);
    const url = page.url();
    landed.push(url);
    expect(isStripePage(url), `Back landed on ${url}`).toBe(false);
  }
  // It went all the way back through the SPA's pages (the account page on the way), to the start.
  expect(landed.some((url) => url.endsWith('/account'))).toBe(true);
  expect(landed.at(-1)).toBe('about:blank');
  expect(navigations.every((url) => !isStripePage(url))).toBe(true);
});

test('Express accounts get an "Open Stripe dashboard" button on the account page', async ({ page }) => {
  await signUp(page, 'Harbourside Prints');
  await createEmbeddedAccount(page);
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await expect(page.getByText('Stripe Express dashboard')).toBeVisible();
  await expect(page.getByTestId('account-management').getByRole('heading', { name: 'Account details' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Open Stripe dashboard' })).toBeVisible();
  await expect(headline(page)).toHaveText('Your account');
  await snap(page, 'account-page');

  await page.getByRole('button', { name: 'Open Stripe dashboard' }).click();
  await page.waitForURL((url) => url.origin === EMBEDDED.emulatorUrl && url.pathname.startsWith('/express/'), { timeout: 20_000 });
  await expect(page.getByText('Express dashboard (emulated)')).toBeVisible();
});
