/**
 * Import benchmark: `kopilka import members` of 1,000,000 rows into PostgreSQL.
 *
 *   node --import tsx bench/import-members.ts [--rows 1000000] [--seed 42] [--db-url postgres://…] [--keep] [--rerun]
 *     [--runs 3] [--workers 2] [--direct yes|no] [--out bench/results/import-members.json]
 *
 * Generates a seeded CSV (1 % broken rows of several kinds and 0.1 % in-file duplicates, so the
 * report path is exercised at full size), creates a fresh database on the server (DATABASE_URL, or
 * postgres://postgres@127.0.0.1:5432), migrates it, creates one program, and imports the file
 * with the same code the CLI runs (COPY into staging, set-based merge). Prints the seconds of the
 * import alone; generation is not timed. `--rerun` imports the same file again (nothing may be
 * created). The database is dropped afterwards unless `--keep`.
 *
 * `--workers N` parse workers (the CLI's `--workers`; by default what the CLI picks: 2 for a file
 * of 20 MB or more, else 0 = the importing thread parses and rows go through the staging table);
 * with workers a big file is loaded directly
 * (import-members-bulk.ts) unless `--direct no`. Each of `--runs` runs gets a fresh database; the median is printed, and
 * with `--out` written as JSON with the load average and the CPU seconds of Node and of the
 * PostgreSQL backends for every run (on a shared machine the CPU figures are the comparable ones).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import {
  type ImportReport,
  importMembers,
} from '../packages/server/src/capabilities/members/import-members.service';
import { defaultParseWorkers } from '../packages/server/src/capabilities/members/members.cli';
import { createTenant } from '../packages/server/src/capabilities/tenants/tenants.service';
import { createPostgres } from '../packages/server/src/platform/db';
import { migrateToLatest } from '../packages/server/src/platform/migrate';
import { rng } from './lib/util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    'db-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    rerun: { type: 'boolean', default: false },
    workers: { type: 'string' },
    runs: { type: 'string', default: '1' },
    direct: { type: 'string', default: 'yes' },
    out: { type: 'string' },
    parallel: { type: 'string' },
    'bulk-min-rows': { type: 'string' },
  },
});
const ROWS = Number(values.rows);
/** `--workers`, or what `kopilka import members` picks for the generated file. */
let workers = 0;
const parseWorkers = () => workers;
const adminUrl =
  values['db-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const FIRST = [
  'Анна',
  'Иван',
  'Мария',
  'Алексей',
  'Ольга',
  'Дмитрий',
  'Елена',
  'Сергей',
  'Наталья',
  'Павел',
  'Irina',
  'Oleg',
];
const LAST = [
  'Иванова',
  'Петров',
  'Смирнова',
  'Кузнецов',
  'Попова',
  'Соколов',
  'Лебедева',
  'Козлов',
  'Novikova',
  'Morozov',
];

async function generate(file: string): Promise<{ broken: number; duplicates: number }> {
  const rnd = rng(Number(values.seed)).next;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const out = createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r));
  // A bijection i -> 8 digits keeps phones unique without remembering them.
  const phoneOf = (i: number) => `+791${String((i * 7919) % 100_000_000).padStart(8, '0')}`;
  await write(
    'phone,email,firstName,lastName,birthDate,externalId,cardNumber,tags,consentSms,consentEmail\n',
  );
  let broken = 0;
  let duplicates = 0;
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    let phone =
      i % 7 === 0 ? phoneOf(i).replace(/^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/, '8 ($1) $2-$3-$4') : phoneOf(i);
    let email = i % 3 === 0 ? '' : `user${i}@Example.com`;
    let birth = `19${50 + Math.floor(rnd() * 50)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    let externalId = `crm-${i}`;
    const card = i % 10 === 0 ? `OLD${i}` : '';
    const r = rnd();
    if (r < 0.01) {
      broken++;
      const kind = Math.floor(rnd() * 4);
      if (kind === 0) phone = 'not a phone';
      else if (kind === 1) email = `broken${i}@`;
      else if (kind === 2) birth = '1990-02-30';
      else {
        phone = '';
        email = '';
        externalId = '';
        if (card) broken--; // still identified by its card: not broken after all
      }
    } else if (r < 0.011 && i > 0) {
      duplicates++;
      phone = phoneOf(Math.floor(rnd() * i));
    }
    chunk += `${phone},${email},${pick(FIRST)},${pick(LAST)},${birth},${externalId},${card},${i % 20 === 0 ? 'vip' : ''},${i % 2 ? 'yes' : ''},${i % 5 ? '' : 'yes'}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((r) => out.end(r));
  return { broken, duplicates };
}

/** CPU seconds a process has used so far (Linux /proc; PostgreSQL backends run on this machine). */
function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

type RunResult = {
  seconds: number;
  loadBefore: number;
  loadAfter: number;
  nodeCpuSeconds: number;
  postgresCpuSeconds: number;
  report: ImportReport;
  rerunSeconds?: number;
};

async function runInFreshDatabase(file: string, expected: { broken: number }): Promise<RunResult> {
  const name = `kopilka_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = createPostgres(url.toString(), 4);
  const clients: pg.Client[] = [];
  try {
    await migrateToLatest(handle.db);
    const tenant = await createTenant(handle.db, { name: 'Bench', slug: 'bench' });
    // Every connection the import will use, opened now so their backends' CPU can be read at the end.
    await Promise.all(Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(handle.db)));
    const backends = async () =>
      (
        await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])
      ).rows.map((r) => r.pid);
    const runOnce = async (): Promise<ImportReport> => {
      let problems = 0;
      const started = Date.now();
      const report = await importMembers({
        db: handle.db,
        engine: 'postgres',
        tenantId: tenant.id,
        input: createReadStream(file),
        now: new Date(),
        parseWorkers: parseWorkers(),
        ...(values.direct === 'yes' ? { inputBytes: statSync(file).size } : {}),
        ...(values.parallel ? { parallel: Number(values.parallel) } : {}),
        ...(values['bulk-min-rows'] ? { bulkMinRows: Number(values['bulk-min-rows']) } : {}),
        onProblem: () => {
          problems++;
        },
        onProgress: (p) =>
          process.stderr.write(
            `  ${((Date.now() - started) / 1000).toFixed(1)} s ${p.phase}: ${p.rows.toLocaleString('en-US')} rows\n`,
          ),
        copyConnection: async () => {
          const c = new pg.Client({ connectionString: url.toString() });
          await c.connect();
          clients.push(c);
          return c;
        },
      });
      if (problems !== report.invalid + report.duplicates + report.existing) {
        throw new Error(
          `reported ${problems} problems, counted ${report.invalid + report.duplicates + report.existing}`,
        );
      }
      return report;
    };
    const loadBefore = loadavg()[0] ?? 0;
    const cpu0 = process.cpuUsage();
    const pg0 = new Map((await backends()).map((pid) => [pid, processCpuSeconds(pid)]));
    const first = await runOnce();
    const cpu = process.cpuUsage(cpu0);
    const postgresCpuSeconds = (await backends()).reduce(
      (sum, pid) => sum + processCpuSeconds(pid) - (pg0.get(pid) ?? 0),
      0,
    );
    const loadAfter = loadavg()[0] ?? 0;
    process.stdout.write(`${JSON.stringify({ run: 'first', ...first })}\n`);
    if (first.invalid !== expected.broken || first.created + first.invalid + first.duplicates !== ROWS) {
      throw new Error(`unexpected counts: expected ${expected.broken} invalid rows`);
    }
    process.stdout.write(
      `import of ${ROWS.toLocaleString('en-US')} members into PostgreSQL: ${first.seconds.toFixed(1)} s (load ${loadBefore.toFixed(1)}..${loadAfter.toFixed(1)}, CPU: node ${(cpu.user / 1e6 + cpu.system / 1e6).toFixed(1)} s, postgres ${postgresCpuSeconds.toFixed(1)} s)\n`,
    );
    const result: RunResult = {
      seconds: first.seconds,
      loadBefore,
      loadAfter,
      nodeCpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      postgresCpuSeconds: Math.round(postgresCpuSeconds * 10) / 10,
      report: first,
    };
    if (values.rerun) {
      const again = await runOnce();
      process.stdout.write(`${JSON.stringify({ run: 'rerun', ...again })}\n`);
      if (again.created !== 0) throw new Error('a re-run created members');
      process.stdout.write(`re-run of the same file (creates nothing): ${again.seconds.toFixed(1)} s\n`);
      result.rerunSeconds = again.seconds;
    }
    return result;
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    await handle.close();
    if (values.keep) process.stderr.write(`kept database ${url.toString()}\n`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function main() {
  const file = join(tmpdir(), `kopilka-members-${ROWS}-${values.seed}.csv`);
  const t0 = Date.now();
  const expected = await generate(file);
  process.stderr.write(
    `generated ${ROWS.toLocaleString('en-US')} rows (${expected.broken} broken, ${expected.duplicates} duplicates) in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${file}\n`,
  );
  workers =
    values.workers === undefined
      ? defaultParseWorkers('postgres', statSync(file).size)
      : Number(values.workers);
  const runs: RunResult[] = [];
  try {
    for (let i = 0; i < Number(values.runs); i++) runs.push(await runInFreshDatabase(file, expected));
  } finally {
    rmSync(file, { force: true });
  }
  const sorted = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  if (runs.length > 1) process.stdout.write(`median of ${runs.length} runs: ${median.toFixed(1)} s\n`);
  if (values.out) {
    const first = runs[0]?.report;
    writeFileSync(
      values.out,
      `${JSON.stringify(
        {
          bench: 'import-members',
          date: new Date().toISOString(),
          machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
          rows: ROWS,
          parseWorkers: parseWorkers(),
          counts: first && {
            created: first.created,
            invalid: first.invalid,
            duplicates: first.duplicates,
            existing: first.existing,
          },
          medianSeconds: median,
          peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
          runs: runs.map(({ report: _r, ...r }) => r),
        },
        null,
        2,
      )}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
