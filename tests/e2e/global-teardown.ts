import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.GANGWAY_E2E_TMP;
  if (dir && dir.includes('gangway-e2e-')) rmSync(dir, { recursive: true, force: true });
}
