import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATOR_URL, SCREENSHOT_DIR } from './env';

export const PASSWORD = 'correct horse battery staple';

export const HEADLINES = {
  no_account: 'Set up payments',
  not_started: 'Onboarding not started',
  action_required: 'Stripe needs more information',
  past_due: 'Information is past due',
  pending_verification: 'Stripe is verifying your information',
  restricted: 'Your account is restricted',
  complete: 'Onboarding complete',
  complete_with_upcoming: 'Onboarding complete, with upcoming requirements',
  rejected: "Stripe can't support this account",
  closed: 'This Stripe account is closed',
  contact_support: 'Contact support to restore your account',
} as const;

export const ACTION_LABELS = {
  start: 'Start onboarding',
  continue: 'Continue onboarding',
  fix_past_due: 'Fix past-due items',
  update: 'Update your information',
  review_future: 'Review upcoming requirements',
} as const;

let counter = 0;
export function uniqueEmail(tag = 'merchant'): string {
  counter += 1;
  return `${tag}.${String(Date.now())}.${String(counter)}@example.com`;
}

export function headline(page: Page) {
  return page.getByRole('heading', { level: 1 });
}

export async function expectHeadline(page: Page, text: string, timeout = 15_000): Promise<void> {
  await expect(headline(page)).toHaveText(text, { timeout });
}

export async function signUp(page: Page, business = 'Harbour Coffee Co.'): Promise<string> {
  const email = uniqueEmail();
  await page.goto('/signup');
  await page.getByLabel('Business name').fill(business);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/onboarding');
  return email;
}

export async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function createAccount(page: Page, country = 'US', businessType = 'individual'): Promise<void> {
  await expectHeadline(page, HEADLINES.no_account);
  await page.getByLabel('Country').selectOption(country);
  await page.getByLabel('Business type').selectOption(businessType);
  await page.getByRole('button', { name: 'Create Stripe account' }).click();
  await expect(page.getByRole('button', { name: ACTION_LABELS.start })).toBeVisible();
}

/** Click the primary action and wait until the browser is on the emulator's hosted form. */
export async function openHostedForm(page: Page, label: string): Promise<string> {
  await page.getByRole('button', { name: label }).click();
  await page.waitForURL((url) => url.origin === EMULATOR_URL, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Submit' })).toBeVisible();
  return page.url();
}

/**
 * On the emulator's hosted form (pre-filled with test data), leave a required field empty
 * and choose "Save for later", so that something is still due when the merchant is back.
 */
export async function saveForLaterLeavingGaps(page: Page): Promise<void> {
  const required = page.locator('form input[required]:not([type=hidden]):not([type=checkbox])');
  await expect(required.first()).toBeVisible();
  await required.first().fill('');
  await page.getByRole('button', { name: 'Save for later' }).click();
}

/** Call the BFF from inside the page, so the session cookie goes along exactly as the SPA's does. */
export async function apiGet<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (p) => {
    const res = await fetch(p, { headers: { Accept: 'application/json' } });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown };
  }, path) as Promise<{ status: number; body: T }>;
}

export async function accountId(page: Page): Promise<string> {
  const { status, body } = await apiGet<{ id: string }>(page, '/api/account');
  expect(status).toBe(200);
  return body.id;
}

export async function emulator(path: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(`${EMULATOR_URL}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path} answered ${String(res.status)}: ${await res.text()}`);
  const text = await res.text();
  return text ? (JSON.parse(text) as unknown) : null;
}

export async function emulatorDelete(path: string): Promise<void> {
  const res = await fetch(`${EMULATOR_URL}${path}`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`emulator DELETE ${path} answered ${String(res.status)}: ${await res.text()}`);
}

/** The primary button must be the one `next_action` calls for, according to the BFF itself. */
export async function expectActionMatchesStatus(page: Page): Promise<void> {
  const { body } = await apiGet<{ next_action: { kind: keyof typeof ACTION_LABELS } | null }>(page, '/api/onboarding/status');
  if (body.next_action) {
    await expect(page.getByRole('button', { name: ACTION_LABELS[body.next_action.kind] })).toBeVisible();
  }
}

/** Desktop (1280×800) and phone (390×844) screenshots of the current screen into docs/screenshots/. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  await page.setViewportSize(original);
}

/** Marks the document so a later check proves the page was never reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __gangwayE2E?: string }).__gangwayE2E = 'same-document';
  });
}

export async function expectSameDocument(page: Page): Promise<void> {
  const mark = await page.evaluate(() => (window as unknown as { __gangwayE2E?: string }).__gangwayE2E ?? null);
  expect(mark, 'the dashboard was reloaded').toBe('same-document');
}
