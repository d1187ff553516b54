import { defineConfig, devices } from '@playwright/test';
import { join } from 'node:path';
import { CHROMIUM_PATH, EMBEDDED, HOSTED, PYTHON, REPO_ROOT, REQUIRED, STACKS } from './env';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL: HOSTED.bffUrl,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // One BFF (with its own emulator) per platform configuration: hosted links, embedded
  // onboarding, and accounts that must use embedded components. Each spec runs against one.
  projects: [
    {
      name: 'chromium',
      testIgnore: /embedded.*\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, baseURL: HOSTED.bffUrl },
    },
    {
      name: 'embedded',
      testMatch: /embedded\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, baseURL: EMBEDDED.bffUrl },
    },
    {
      name: 'embedded-required',
      testMatch: /embedded-required\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, baseURL: REQUIRED.bffUrl },
    },
  ],
  webServer: STACKS.flatMap((stack) => [
    {
      name: `stripe-emulator (${stack.name})`,
      command: [PYTHON, ...stack.emulatorArgs].map(quote).join(' '),
      cwd: join(REPO_ROOT, 'backend'),
      port: stack.emulatorPort,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore' as const,
      stderr: 'pipe' as const,
    },
    {
      name: `gangway-bff (${stack.name})`,
      command: [PYTHON, ...stack.bffArgs].map(quote).join(' '),
      cwd: join(REPO_ROOT, 'backend'),
      env: stack.bffEnv,
      url: `${stack.bffUrl}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore' as const,
      stderr: 'pipe' as const,
    },
  ]),
});
