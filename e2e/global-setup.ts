import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

// The harness starts the server as `npm start` does, from the bundle: build it from the sources
// as they are now (about a second), so a run never tests a stale dist/. The web app is built by
// `npm run test:e2e` (or by hand: `npm run build:web`).
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], {
    cwd: resolve(new URL('..', import.meta.url).pathname),
    stdio: 'inherit',
  });
}
