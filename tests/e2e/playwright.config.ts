import { defineConfig, devices } from '@playwright/test';
import { join } from 'node:path';
import {
  BFF_ARGS,
  BFF_ENV,
  BFF_URL,
  CHROMIUM_PATH,
  EMULATOR_ARGS,
  EMULATOR_PORT,
  PYTHON,
  REPO_ROOT,
} from './env';

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
    baseURL: BFF_URL,
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
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } } }],
  webServer: [
    {
      name: 'stripe-emulator',
      command: [PYTHON, ...EMULATOR_ARGS].map(quote).join(' '),
      cwd: join(REPO_ROOT, 'backend'),
      port: EMULATOR_PORT,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      name: 'gangway-bff',
      command: [PYTHON, ...BFF_ARGS].map(quote).join(' '),
      cwd: join(REPO_ROOT, 'backend'),
      env: BFF_ENV,
      url: `${BFF_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
