import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config';
import { startServer } from '../server';

// What `npm start` does on a fresh clone, on the embedded engine: first start creates the tenant,
// owner and API key, serves the web page, docs and API; the CLI then works on the same data.
const dir = mkdtempSync(join(tmpdir(), 'kopilka-start-'));
const cli = resolve(import.meta.dirname, '../cli.ts');
const KEY = 'test-init-key-0123456789abcdefghijklmnop';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('starts on an empty embedded database, bootstraps, serves, and the CLI works on the same data afterwards', async () => {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    KOPILKA_DATA_DIR: dir,
    KOPILKA_DEMO: '0',
    KOPILKA_JOBS: '0',
    LOG_LEVEL: 'silent',
    KOPILKA_INIT_API_KEY: KEY,
    KOPILKA_INIT_ADMIN_EMAIL: 'boss@example.com',
    KOPILKA_INIT_ADMIN_PASSWORD: 'a long enough password',
  });
  const server = await startServer(config);
  const base = server.url.replace(/\/$/, '');
  try {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const home = await fetch(`${base}/`);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    const program = await fetch(`${base}/v1/program`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(program.status).toBe(200);
    const login = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'boss@example.com', password: 'a long enough password' }),
    });
    expect(login.status).toBe(200);
    const receipt = await fetch(`${base}/v1/receipts/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        receiptId: 'start-1',
        lines: [{ lineId: '1', sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 20000 }],
      }),
    });
    expect(receipt.status).toBe(201);
  } finally {
    await server.stop();
  }
  const tenants = spawnSync(process.execPath, ['--import', 'tsx', cli, 'ledger', 'verify'], {
    env: { ...process.env, KOPILKA_DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
    encoding: 'utf8',
  });
  expect(tenants.status, tenants.stderr).toBe(0);
  expect(JSON.parse(tenants.stdout).checked.tenants).toBe(1);
  const jobs = spawnSync(
    process.execPath,
    ['--import', 'tsx', cli, 'jobs', 'run', '--at', '2027-01-01T00:00:00Z'],
    {
      env: { ...process.env, KOPILKA_DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
      encoding: 'utf8',
    },
  );
  expect(jobs.status, jobs.stderr).toBe(0);
  expect(JSON.parse(jobs.stdout).ran.map((r: { job: string }) => r.job)).toContain('ledger.expire');
  const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, 'migrate'], {
    env: { ...process.env, PORT: 'eighty' },
    encoding: 'utf8',
  });
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toContain('PORT');
}, 600_000);
