import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import pg from 'pg';
import { log, run, sleep } from './util';

const PG_BIN = process.env.KOPILKA_BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * PostgreSQL for benchmarks and the crash harness.
 *
 * Default: a private instance of the machine's PostgreSQL 15 binaries in its own data directory and
 * port (initdb on first use), so that load, `pg_stat_statements` and 20+ restarts do not disturb
 * anyone else's tests on the shared cluster. `--pg-url` points the benchmark at any other server
 * instead (then `restart` uses `--pg-restart-cmd`, e.g. `pg_ctlcluster 15 main restart`).
 */
export type PgTarget = {
  /** postgres://… of the maintenance database (postgres). */
  adminUrl: string;
  urlFor: (database: string) => string;
  host: string;
  port: number;
  restart: (mode?: 'fast' | 'immediate') => Promise<void>;
  settings: Record<string, string>;
  privateInstance: boolean;
};

export const DEFAULT_PG_SETTINGS: Record<string, string> = {
  // Durable commits, as in production: every acknowledged transaction is on disk.
  synchronous_commit: 'on',
  fsync: 'on',
  full_page_writes: 'on',
  shared_buffers: '1GB',
  max_connections: '400',
  max_wal_size: '8GB',
  checkpoint_timeout: '15min',
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.max': '2000',
  'pg_stat_statements.track': 'top',
  track_io_timing: 'on',
};

function asPostgres(args: string[]): [string, string[]] {
  // PostgreSQL refuses to run as root; run its tools as the `postgres` system user.
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0]!, args.slice(1)];
}

async function pgCtl(dataDir: string, args: string[], check = true) {
  const [cmd, a] = asPostgres([`${PG_BIN}/pg_ctl`, '-D', dataDir, ...args]);
  return run(cmd, a, { check, timeoutMs: 180_000 });
}

function isRunning(dataDir: string): boolean {
  const [cmd, a] = asPostgres([`${PG_BIN}/pg_ctl`, '-D', dataDir, 'status']);
  return spawnSync(cmd, a).status === 0;
}

export async function waitForPg(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query('select 1');
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => {});
      if (Date.now() > until) throw err;
      await sleep(200);
    }
  }
}

export async function startPrivatePg(opts: {
  dataDir: string;
  port: number;
  settings?: Record<string, string>;
}): Promise<PgTarget> {
  const settings = { ...DEFAULT_PG_SETTINGS, ...(opts.settings ?? {}) };
  const dataDir = opts.dataDir;
  if (!existsSync(`${dataDir}/PG_VERSION`)) {
    log(`initdb ${dataDir}`);
    // The parents must stay traversable by the postgres user (a recursive 0o700 would lock it out).
    mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
    chmodSync(dirname(dataDir), 0o755);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (userInfo().uid === 0) {
      const pwUid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const pwGid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      chownSync(dataDir, pwUid, pwGid);
    }
    const [cmd, a] = asPostgres([
      `${PG_BIN}/initdb`,
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await run(cmd, a, { timeoutMs: 120_000 });
  }
  const options = [
    `-p ${opts.port}`,
    '-c listen_addresses=127.0.0.1',
    '-c unix_socket_directories=/tmp',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  const start = async () => {
    await pgCtl(dataDir, ['-l', `${dataDir}/server.log`, '-w', '-t', '120', '-o', options, 'start']);
  };
  // Already running (another bench or chaos run may be using it): leave it alone, never restart it
  // under someone's load; `stopPrivatePg` or a reboot applies changed settings.
  if (!isRunning(dataDir)) await start();
  const adminUrl = `postgres://postgres@127.0.0.1:${opts.port}/postgres`;
  await waitForPg(adminUrl);
  return {
    adminUrl,
    urlFor: (db) => `postgres://postgres@127.0.0.1:${opts.port}/${db}`,
    host: '127.0.0.1',
    port: opts.port,
    settings,
    privateInstance: true,
    restart: async (mode = 'fast') => {
      await pgCtl(dataDir, ['-m', mode, '-w', '-t', '120', 'stop'], false);
      await start();
      await waitForPg(adminUrl);
    },
  };
}

export async function stopPrivatePg(dataDir: string): Promise<void> {
  if (isRunning(dataDir)) await pgCtl(dataDir, ['-m', 'fast', '-w', 'stop'], false);
}

/** Uses an existing server (e.g. the machine's cluster at 127.0.0.1:5432). */
export function externalPg(url: string, restartCmd?: string): PgTarget {
  const u = new URL(url);
  const base = `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}`;
  return {
    adminUrl: `${base}/postgres`,
    urlFor: (db) => `${base}/${db}`,
    host: u.hostname,
    port: Number(u.port || 5432),
    settings: {},
    privateInstance: false,
    restart: async () => {
      if (!restartCmd) throw new Error('restarting an external PostgreSQL needs --pg-restart-cmd');
      const parts = restartCmd.split(/\s+/);
      await run(parts[0]!, parts.slice(1), { timeoutMs: 180_000 });
      await waitForPg(`${base}/postgres`, 120_000);
    },
  };
}

export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values?: unknown[],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

export async function recreateDatabase(target: PgTarget, name: string): Promise<string> {
  await query(target.adminUrl, `drop database if exists ${name} with (force)`);
  await query(target.adminUrl, `create database ${name}`);
  return target.urlFor(name);
}

export async function currentSettings(
  url: string,
  names: readonly string[],
): Promise<Record<string, string>> {
  const rows = await query<{ name: string; setting: string; unit: string | null }>(
    url,
    'select name, current_setting(name) as setting, null as unit from pg_settings where name = any($1)',
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting}${r.unit}` : r.setting]));
}

export function serverLogTail(dataDir: string, chars = 3000): string {
  try {
    const s = readFileSync(`${dataDir}/server.log`, 'utf8');
    return s.slice(-chars);
  } catch {
    return '';
  }
}

/** The postmaster's pid of a data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}
