import { expect, test } from '@playwright/test';
import { HEADLINES, apiGet, createAccount, expectHeadline, headline, signIn, signUp } from '../support';

test('signing out in one tab ends the stream in another and protects every screen', async ({ context }) => {
  const tabA = await context.newPage();
  const email = await signUp(tabA);
  await createAccount(tabA);
  await expect(tabA.getByTestId('stream-mode')).toHaveAttribute('data-mode', 'live');

  const tabB = await context.newPage();
  await tabB.goto('/onboarding');
  await expectHeadline(tabB, HEADLINES.not_started);

  await tabB.getByRole('button', { name: 'Sign out' }).click();
  await tabB.waitForURL('**/login');

  // Tab A never navigated: its stream ends, its next call gets 401, and it goes to sign-in.
  await tabA.waitForURL(/\/login\?next=%2Fonboarding$/, { timeout: 20_000 });
  await expect(headline(tabA)).toHaveText('Sign in');

  // Every screen and the API are closed now.
  for (const path of ['/', '/onboarding', '/onboarding?notice=refresh_loop']) {
    await tabA.goto(path);
    await tabA.waitForURL(/\/login/);
  }
  expect((await apiGet(tabA, '/api/onboarding/status')).status).toBe(401);
  expect((await apiGet(tabA, '/api/account')).status).toBe(401);

  // Signing back in returns the merchant to where they were going.
  await tabA.goto('/onboarding');
  await tabA.waitForURL(/\/login\?next=%2Fonboarding$/);
  await signIn(tabA, email);
  await tabA.waitForURL('**/onboarding');
  await expectHeadline(tabA, HEADLINES.not_started);
});
