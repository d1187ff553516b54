#!/usr/bin/env node
// Fails when src/api/schema.d.ts is not what `npm run generate` would produce from ../openapi.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, process.env.OPENAPI_JSON ?? '../openapi.json');
const committed = join(root, 'src/api/schema.d.ts');

if (!existsSync(spec)) {
  console.error(`check:client: ${spec} does not exist (run \`make openapi\`).`);
  process.exit(1);
}
if (!existsSync(committed)) {
  console.error('check:client: src/api/schema.d.ts is missing (run `make openapi`).');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'gangway-client-'));
try {
  const fresh = join(dir, 'schema.d.ts');
  execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), [spec, '-o', fresh], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error(
      'check:client: src/api/schema.d.ts is stale: it differs from what openapi.json generates.\n' +
        'Run `make openapi` (or `npm run generate` in frontend/) and commit the result.',
    );
    process.exit(1);
  }
  console.log('check:client: src/api/schema.d.ts is up to date with openapi.json.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
