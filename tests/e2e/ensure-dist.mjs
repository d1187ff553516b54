// Builds the SPA when frontend/dist is missing (`make test` builds it before the E2E run).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = join(dirname(fileURLToPath(import.meta.url)), '../../frontend');
if (!existsSync(join(frontend, 'dist/index.html'))) {
  console.log('e2e: frontend/dist is missing, building the SPA first…');
  execSync('npm run --silent build', { cwd: frontend, stdio: 'inherit' });
}
