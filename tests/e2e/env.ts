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
 * Ports the OS says are free now (held open together, so they differ). Picked once by the
 * main Playwright process and handed to its workers through the environment, like the scratch
 * directory below, so that several runs on one machine never collide on a fixed port.
 */
function freePorts(count: number): string[] {
  const script = `
    const net = require('net');
    const servers = [];
    const next = () => {
      if (servers.length === ${String(count)}) {
        process.stdout.write(servers.map((s) => s.address().port).join(' '));
        servers.forEach((s) => s.close());
        return;
      }
      const s = net.createServer().listen(0, '127.0.0.1', next);
      servers.push(s);
    };
    next();`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split(' ');
}

/** Each stack is a BFF with its own emulator: the default one, and two for embedded onboarding. */
const PORT_VARS = [
  'E2E_BFF_PORT',
  'E2E_EMULATOR_PORT',
  'E2E_EMBEDDED_BFF_PORT',
  'E2E_EMBEDDED_EMULATOR_PORT',
  'E2E_REQUIRED_BFF_PORT',
  'E2E_REQUIRED_EMULATOR_PORT',
] as const;
if (PORT_VARS.some((name) => !process.env[name])) {
  const ports = freePorts(PORT_VARS.length);
  PORT_VARS.forEach((name, i) => {
    process.env[name] ??= ports[i] ?? '';
  });
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

export interface Stack {
  name: string;
  bffPort: number;
  emulatorPort: number;
  bffUrl: string;
  emulatorUrl: string;
  bffEnv: Record<string, string>;
  emulatorArgs: string[];
  bffArgs: string[];
}

function stack(name: string, bffPort: number, emulatorPort: number, settings: Record<string, string> = {}): Stack {
  const bffUrl = `http://127.0.0.1:${String(bffPort)}`;
  const emulatorUrl = `http://127.0.0.1:${String(emulatorPort)}`;
  return {
    name,
    bffPort,
    emulatorPort,
    bffUrl,
    emulatorUrl,
    // The BFF's configuration for the run (names per the backend's settings).
    bffEnv: {
      GANGWAY_DATABASE_URL: `sqlite+aiosqlite:///${join(TMP_DIR, `e2e-${name}.db`)}`,
      GANGWAY_AUTO_MIGRATE: 'true',
      GANGWAY_STRIPE_API_BASE: emulatorUrl,
      GANGWAY_STRIPE_API_KEY: 'sk_test_gangway_e2e',
      GANGWAY_STRIPE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
      GANGWAY_PUBLIC_BASE_URL: bffUrl,
      GANGWAY_FRONTEND_DIST: join(REPO_ROOT, 'frontend/dist'),
      GANGWAY_LOG_FORMAT: 'console',
      // Shown when only support can help (rejected, closed, Stripe's contact_stripe).
      GANGWAY_SUPPORT_EMAIL: 'support@gangway.example',
      GANGWAY_SUPPORT_URL: 'https://help.gangway.example/contact',
      ...settings,
    },
    emulatorArgs: [
      '-m',
      'stripe_emulator',
      '--port',
      String(emulatorPort),
      '--webhook-url',
      `${bffUrl}/webhooks/stripe`,
      '--webhook-secret',
      WEBHOOK_SECRET,
      // Stripe's "verification" finishes quickly so the complete state arrives within seconds.
      '--verification-delay',
      '2',
    ],
    bffArgs: ['-m', 'uvicorn', 'gangway.main:app', '--host', '127.0.0.1', '--port', String(bffPort)],
  };
}

/** Hosted onboarding (Account Links), the platform's default. */
export const HOSTED = stack('hosted', BFF_PORT, EMULATOR_PORT);

/** Embedded onboarding for every merchant; accounts get the Express dashboard. */
export const EMBEDDED = stack('embedded', Number(process.env.E2E_EMBEDDED_BFF_PORT), Number(process.env.E2E_EMBEDDED_EMULATOR_PORT), {
  GANGWAY_ONBOARDING_SURFACE: 'embedded',
  GANGWAY_ACCOUNT_DASHBOARD: 'express',
});

/**
 * Accounts that must use embedded components (no Stripe dashboard, Stripe liable for losses):
 * the surface is left to `auto`, which has to pick embedded for them.
 */
export const REQUIRED = stack('required', Number(process.env.E2E_REQUIRED_BFF_PORT), Number(process.env.E2E_REQUIRED_EMULATOR_PORT), {
  GANGWAY_ACCOUNT_DASHBOARD: 'none',
  GANGWAY_LOSSES_COLLECTOR: 'stripe',
  GANGWAY_FEES_COLLECTOR: 'stripe',
});

export const STACKS = [HOSTED, EMBEDDED, REQUIRED];

export const BFF_ENV = HOSTED.bffEnv;
export const EMULATOR_ARGS = HOSTED.emulatorArgs;
export const BFF_ARGS = HOSTED.bffArgs;
