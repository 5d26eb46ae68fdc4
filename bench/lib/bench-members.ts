import { rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { benchProgram } from '../datagen';
import { prepareEmptyDatabase } from './dataset';
import { type PgTarget, query } from './pg';
import { startKopilka } from './server';

type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * The bench program and `members` members with their accounts, by SQL, in a database the server
 * has bootstrapped: members `mbr_b1` … `mbr_b<members>`, as bench/wrk/kopilka.lua and
 * bench/server-memory.ts send.
 */
async function seedBenchMembers(exec: Exec, tenantId: string, members: number): Promise<void> {
  await exec(
    `insert into program_version (tenant_id, version, settings, effective_from, created_by) values ($1, 1, $2::jsonb, now() - interval '1 day', 'bench')`,
    [tenantId, JSON.stringify(benchProgram('Bench embedded'))],
  );
  await exec(
    `insert into member (id, tenant_id, status, phone, source) select 'mbr_b' || i, $1, 'active', '+79' || (100000000 + i), 'import' from generate_series(1, ${members}) i`,
    [tenantId],
  );
  await exec(
    `insert into account (id, tenant_id, member_id, currency, kind) select 'acc_b' || i || k, $1, 'mbr_b' || i, 'points', case k when 'a' then 'available' else 'pending' end
     from generate_series(1, ${members}) i, (values ('a'), ('p')) v(k)`,
    [tenantId],
  );
}

/** A fresh embedded (PGlite) data directory: the server's first start, then the bench members. */
export async function prepareEmbeddedData(opts: {
  dataDir: string;
  port: number;
  logFile: string;
  cwd: string;
  members: number;
}): Promise<void> {
  rmSync(opts.dataDir, { recursive: true, force: true });
  const boot = await startKopilka({
    port: opts.port,
    dataDir: opts.dataDir,
    logFile: opts.logFile,
    cwd: opts.cwd,
  });
  await boot.stop();
  const db = await PGlite.create({ dataDir: opts.dataDir });
  try {
    const tenantId = (await db.query<{ id: string }>('select id from tenant limit 1')).rows[0]!.id;
    await seedBenchMembers((sql, params) => db.query(sql, params), tenantId, opts.members);
  } finally {
    await db.close();
  }
}

/** A fresh PostgreSQL database: the server's first start, then the bench members; returns its URL. */
export async function preparePostgresData(opts: {
  target: PgTarget;
  database: string;
  port: number;
  cwd: string;
  members: number;
}): Promise<string> {
  const url = await prepareEmptyDatabase(opts.target, opts.database, opts.port, opts.cwd);
  const tenantId = (await query<{ id: string }>(url, 'select id from tenant limit 1'))[0]!.id;
  await seedBenchMembers((sql, params) => query(url, sql, params), tenantId, opts.members);
  return url;
}
