import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type DatasetMeta, generate, SCALES } from '../datagen';
import { type PgTarget, query, recreateDatabase } from './pg';
import { startKopilka } from './server';
import { log } from './util';

export const DATA_ROOT = process.env.KOPILKA_BENCH_DATA ?? '/tmp/kopilka-bench';

export function metaPath(database: string): string {
  return `${DATA_ROOT}/datasets/${database}.json`;
}

/** The schema a tree's migrations make: a data set can be reused by any tree with the same migrations. */
export function migrationsFingerprint(treeDir: string): string {
  const files = readdirSync(`${treeDir}/packages/server/src/migrations`)
    .filter((f) => /^\d{4}_.*\.ts$/.test(f))
    .sort();
  return createHash('sha1').update(files.join('\n')).digest('hex').slice(0, 12);
}

export function readMeta(database: string): DatasetMeta | null {
  const p = metaPath(database);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as DatasetMeta) : null;
}

export function saveMeta(meta: DatasetMeta): void {
  writeFileSync(metaPath(meta.database), JSON.stringify(meta, null, 2));
}

async function databaseExists(target: PgTarget, name: string): Promise<boolean> {
  const rows = await query(target.adminUrl, 'select 1 from pg_database where datname = $1', [name]);
  return rows.length > 0;
}

/** Migrates (through the server's own start-up) and bootstraps an empty database. */
export async function prepareEmptyDatabase(
  target: PgTarget,
  name: string,
  port: number,
  cwd?: string,
): Promise<string> {
  const url = await recreateDatabase(target, name);
  const server = await startKopilka({
    port,
    databaseUrl: url,
    logFile: `${DATA_ROOT}/logs/bootstrap-${name}.log`,
    ...(cwd ? { cwd } : {}),
  });
  await server.stop();
  return url;
}

/**
 * The data set for a scale: reused when the database and its description exist with the same seed
 * (load tests only add receipts to it), generated afresh otherwise or with `fresh`.
 */
export async function ensureDataset(
  target: PgTarget,
  opts: {
    scale: string;
    seed: number;
    fresh?: boolean;
    port: number;
    anchor?: Date;
    cwd?: string;
    tree: string;
  },
): Promise<{ url: string; meta: DatasetMeta; reused: boolean }> {
  const members = SCALES[opts.scale];
  if (!members) throw new Error(`unknown scale ${opts.scale}; use one of ${Object.keys(SCALES).join(', ')}`);
  const database = `kopilka_bench_${opts.scale}`;
  const existing = readMeta(database);
  if (
    !opts.fresh &&
    existing &&
    existing.seed === opts.seed &&
    (existing.migrations ?? existing.tree) === (opts.cwd ? migrationsFingerprint(opts.cwd) : opts.tree) &&
    (await databaseExists(target, database))
  ) {
    log(
      `reusing data set ${database} (seed ${existing.seed}, ${existing.members} members, ${existing.receipts} receipts)`,
    );
    return { url: target.urlFor(database), meta: existing, reused: true };
  }
  log(`generating data set ${database}: ${members} members, seed ${opts.seed}`);
  const url = await prepareEmptyDatabase(target, database, opts.port, opts.cwd);
  const anchor = opts.anchor ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const meta = await generate({
    url,
    database,
    scale: opts.scale,
    members,
    seed: opts.seed,
    anchor,
    tree: opts.tree,
    metaFile: metaPath(database),
  });
  log(
    `  ${meta.members} members, ${meta.receipts} receipts, ${meta.lines} lines, ${meta.lots} lots (${meta.openLots} open), ${meta.postings} postings in ${meta.generateSeconds} s`,
  );
  return { url, meta, reused: false };
}
