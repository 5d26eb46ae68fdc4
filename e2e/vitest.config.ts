import { defineConfig } from 'vitest/config';

// End-to-end flows in a real browser (Debian Chromium driven by playwright-core) against a real
// server. Run with `npm run test:e2e`; not part of `npm test`.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
