import { defineConfig } from 'vitest/config';

// Unit tests of the web app's pure logic (money, receipts drafts, campaign form, examples…).
// The root config leaves packages/web out; run with `npm test -w @kopilka/web`.
export default defineConfig({
  test: {
    include: ['src/**/__tests__/**/*.test.ts'],
    environment: 'node',
    env: { TZ: 'Europe/Moscow' },
  },
});
