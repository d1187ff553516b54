/**
 * Everything the E2E harness needs to know about the world, in one place:
 * ports, URLs, the shared webhook secret, and the environment the BFF is started with.
 * Ports are free ones picked per run (set E2E_BFF_PORT / E2E_EMULATOR_PORT to choose them).
 * Override the interpreter with GANGWAY_PYTHON, and the browser with CHROMIUM_PATH.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const PYTHON = process.env.GANGWAY_PYTHON ?? join(REPO_ROOT, '.venv/bin/python');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Two ports the OS says are free now (held open together, so they differ). Picked once by the
 * main Playwright process and handed to its workers through the environment, like the scratch
 * directory below, so that several runs on one machine never collide on a fixed port.
 */
function freePorts(): [string, string] {
  const script = `
    const net = require('net');
    const a = net.createServer().listen(0, '127.0.0.1', () => {
      const b = net.createServer().listen(0, '127.0.0.1', () => {
        process.stdout.write(a.address().port + ' ' + b.address().port);
        a.close();
        b.close();
      });
    });`;
  const [first, second] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split(' ');
  return [first ?? '', second ?? ''];
}
if (!process.env.E2E_BFF_PORT || !process.env.E2E_EMULATOR_PORT) {
  const [bff, emulator] = freePorts();
  process.env.E2E_BFF_PORT ??= bff;
  process.env.E2E_EMULATOR_PORT ??= emulator;
}

export const BFF_PORT = Number(process.env.E2E_BFF_PORT);
export const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT);
export const BFF_URL = `http://127.0.0.1:${String(BFF_PORT)}`;
export const EMULATOR_URL = `http://127.0.0.1:${String(EMULATOR_PORT)}`;
export const WEBHOOK_SECRET = 'whsec_gangway_e2e_0123456789abcdef';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'docs/screenshots');

/**
 * One scratch directory per run, created by the main Playwright process and inherited by
 * its workers through the environment (the config file is evaluated in each of them).
 */
function scratchDir(): string {
  process.env.GANGWAY_E2E_TMP ??= mkdtempSync(join(tmpdir(), 'gangway-e2e-'));
  return process.env.GANGWAY_E2E_TMP;
}
export const TMP_DIR = scratchDir();

/** The BFF's configuration for the run (names per the backend's settings). */
export const BFF_ENV: Record<string, string> = {
  GANGWAY_DATABASE_URL: `sqlite+aiosqlite:///${join(TMP_DIR, 'e2e.db')}`,
  GANGWAY_AUTO_MIGRATE: 'true',
  GANGWAY_STRIPE_API_BASE: EMULATOR_URL,
  GANGWAY_STRIPE_API_KEY: 'sk_test_gangway_e2e',
  GANGWAY_STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
  GANGWAY_PUBLIC_BASE_URL: BFF_URL,
  GANGWAY_FRONTEND_DIST: join(REPO_ROOT, 'frontend/dist'),
  GANGWAY_LOG_FORMAT: 'console',
  // Shown when only support can help (rejected, closed, Stripe's contact_stripe).
  GANGWAY_SUPPORT_EMAIL: 'support@gangway.example',
  GANGWAY_SUPPORT_URL: 'https://help.gangway.example/contact',
};

export const EMULATOR_ARGS = [
  '-m',
  'stripe_emulator',
  '--port',
  String(EMULATOR_PORT),
  '--webhook-url',
  `${BFF_URL}/webhooks/stripe`,
  '--webhook-secret',
  WEBHOOK_SECRET,
  // Stripe's "verification" finishes quickly so the complete state arrives within seconds.
  '--verification-delay',
  '2',
];

export const BFF_ARGS = ['-m', 'uvicorn', 'gangway.main:app', '--host', '127.0.0.1', '--port', String(BFF_PORT)];
