import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { createPglite, createPostgres, type DatabaseHandle, type Engine } from '../platform/db';
import { migrateToLatest } from '../platform/migrate';

export type TestEngine = { name: Engine; open: () => Promise<DatabaseHandle> };

async function openFreshPostgres(adminUrl: string): Promise<DatabaseHandle> {
  const name = `kopilka_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = createPostgres(url.toString(), 20);
  await migrateToLatest(handle.db);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

// Storage-touching suites run on embedded PGlite always, and on real PostgreSQL too when
// TEST_DATABASE_URL points at a server (a fresh database per suite).
export function testEngines(): TestEngine[] {
  const list: TestEngine[] = [
    {
      name: 'pglite',
      open: async () => {
        const handle = await createPglite(null);
        await migrateToLatest(handle.db);
        return handle;
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) list.push({ name: 'postgres', open: () => openFreshPostgres(url) });
  return list;
}

export function describeEachEngine(title: string, body: (engine: TestEngine) => void): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine.name}]`, () => body(engine));
  }
}

export function hasPostgres(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL);
}
