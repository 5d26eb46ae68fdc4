import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { AdmissionPool, QUEUE_OVER_BUDGET } from './admission-pool';
import type { Database } from './database';
import { OneCallPGliteDialect } from './pglite-dialect';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type DbOrTrx = Db | Trx;
export type Engine = 'pglite' | 'postgres';

export type DatabaseHandle = {
  db: Db;
  engine: Engine;
  close: () => Promise<void>;
};

// int8 arrives from `pg` as a string; our counters and money sums fit in 2^53, so we parse to
// number and refuse to lose precision silently.
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}

export function createPostgres(
  url: string,
  poolSize = 10,
  acquireTimeoutMs = 0,
  queueBudgetMs = 0,
): DatabaseHandle {
  const pool = new AdmissionPool(
    {
      connectionString: url,
      max: poolSize,
      // 0 = wait for a connection as long as it takes (tests, CLI); the server sets a bound so
      // that a connection that never comes (PostgreSQL restarting) ends in a 503.
      connectionTimeoutMillis: acquireTimeoutMs,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === 20 ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    },
    // 0 = admit every request to the queue; the server refuses, at once, a request whose expected
    // wait exceeds the budget (admission-pool.ts), so overload is answered with fast 503s.
    queueBudgetMs,
  );
  // A client that errors (the server restarted, a connection was killed) must not crash the
  // process: idle clients report through the pool, checked-out ones through their own emitter;
  // the query in flight fails and its transaction is retried or answered with an error.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}

// PGlite is one connection in this process. Kysely's PGlite dialect reports
// `supportsMultipleConnections = false`, so Kysely hands that single connection to one query or
// transaction at a time and queues the rest (a FIFO mutex); transactions additionally take
// PGlite's own exclusive transaction lock. Every user of the embedded engine therefore goes
// through `db` — never through the PGlite instance directly — so nothing can run inside someone
// else's transaction. See docs/decisions/0001-embedded-pglite.md.
//
// PGlite runs PostgreSQL with fsync off (PGlite's own start parameters): every commit's WAL reaches
// the operating system before the call returns, so a crash of this process loses nothing
// acknowledged, but a crash of the machine or a power cut can. `relaxedDurability` changes nothing
// for a data directory on Node's file system. shared_buffers is PGlite's largest piece of memory
// (WebAssembly memory never shrinks); the files stay cached by the operating system anyway, so the
// default is small (ADR 0006).
export async function createPglite(
  dataDir: string | null,
  opts: { sharedBuffersMb?: number } = {},
): Promise<DatabaseHandle> {
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${opts.sharedBuffersMb ?? 32}MB`];
  let pglite: PGlite;
  if (dataDir) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'PG_VERSION'))) await initPgliteInChild(dir, startParams);
    pglite = await PGlite.create({ dataDir: dir, startParams });
  } else {
    pglite = await PGlite.create({ startParams });
  }
  const db = new Kysely<Database>({ dialect: new OneCallPGliteDialect(pglite) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

/**
 * Creates a new data directory (initdb) in a short-lived child process. In WebAssembly initdb
 * needs ~700 MiB at its peak, and WebAssembly memory is never given back: done in the server's
 * own process, a first start would hold ~350 MiB until the next restart instead of ~250.
 */
async function initPgliteInChild(dir: string, startParams: string[]): Promise<void> {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const code = `const { PGlite } = await import(${JSON.stringify(pglite)});
const db = await PGlite.create({ dataDir: ${JSON.stringify(dir)}, startParams: ${JSON.stringify(startParams)} });
await db.close();`;
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', fail);
    child.on('exit', (status) =>
      status === 0
        ? done()
        : fail(
            new Error(
              `creating the embedded database in ${dir} failed (exit ${status}): ${stderr.slice(-2000)}`,
            ),
          ),
    );
  });
}

export async function openDatabase(opts: {
  databaseUrl?: string | undefined;
  dataDir: string | null;
  poolSize?: number;
  acquireTimeoutMs?: number;
  queueBudgetMs?: number;
  pgliteSharedBuffersMb?: number;
}): Promise<DatabaseHandle> {
  return opts.databaseUrl
    ? createPostgres(opts.databaseUrl, opts.poolSize, opts.acquireTimeoutMs, opts.queueBudgetMs)
    : createPglite(
        opts.dataDir,
        opts.pgliteSharedBuffersMb ? { sharedBuffersMb: opts.pgliteSharedBuffersMb } : {},
      );
}

const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableDbError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RETRYABLE.has(String((err as { code?: unknown }).code));
}

/** pg-pool gave up waiting for a free connection: the server is overloaded. */
export function isPoolExhausted(err: unknown): boolean {
  return (
    err instanceof Error &&
    (/timeout exceeded when trying to connect/i.test(err.message) || err.message === QUEUE_OVER_BUDGET)
  );
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || String(e.message).includes(constraint);
}

// Runs `fn` in a transaction, retrying serialization failures and deadlocks with a bounded,
// jittered backoff. `fn` must be safe to re-run: it sees a fresh transaction each time.
export async function inTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      if (!isRetryableDbError(err) || attempt >= maxAttempts) throw err;
      const backoffMs = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, backoffMs));
    }
  }
}
