/**
 * Import benchmark: `kopilka import members` of 1,000,000 rows into PostgreSQL.
 *
 *   node --import tsx bench/import-members.ts [--rows 1000000] [--seed 42] [--db-url postgres://…] [--keep] [--rerun]
 *
 * Generates a seeded CSV (1 % broken rows of several kinds and 0.1 % in-file duplicates, so the
 * report path is exercised at full size), creates a fresh database on the server (DATABASE_URL, or
 * postgres://postgres@127.0.0.1:5432), migrates it, creates one program, and imports the file
 * with the same code the CLI runs (COPY into staging, set-based merge). Prints the seconds of the
 * import alone; generation is not timed. `--rerun` imports the same file again (nothing may be
 * created). The database is dropped afterwards unless `--keep`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  type ImportReport,
  importMembers,
} from '../packages/server/src/capabilities/members/import-members.service';
import { createTenant } from '../packages/server/src/capabilities/tenants/tenants.service';
import { createPostgres } from '../packages/server/src/platform/db';
import { migrateToLatest } from '../packages/server/src/platform/migrate';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    'db-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    rerun: { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const adminUrl =
  values['db-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// mulberry32: small, fast, seeded.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const rnd = prng(Number(values.seed));
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

async function main() {
  const file = join(tmpdir(), `kopilka-members-${ROWS}-${values.seed}.csv`);
  const t0 = Date.now();
  const expected = await generate(file);
  process.stderr.write(
    `generated ${ROWS.toLocaleString('en-US')} rows (${expected.broken} broken, ${expected.duplicates} duplicates) in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${file}\n`,
  );

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
    const runOnce = async (): Promise<ImportReport> => {
      let problems = 0;
      const started = Date.now();
      const report = await importMembers({
        db: handle.db,
        engine: 'postgres',
        tenantId: tenant.id,
        input: createReadStream(file),
        now: new Date(),
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
    const first = await runOnce();
    process.stdout.write(`${JSON.stringify({ run: 'first', ...first })}\n`);
    if (first.invalid !== expected.broken || first.created + first.invalid + first.duplicates !== ROWS) {
      throw new Error(`unexpected counts: expected ${expected.broken} invalid rows`);
    }
    process.stdout.write(
      `import of ${ROWS.toLocaleString('en-US')} members into PostgreSQL: ${first.seconds.toFixed(1)} s\n`,
    );
    if (values.rerun) {
      const again = await runOnce();
      process.stdout.write(`${JSON.stringify({ run: 'rerun', ...again })}\n`);
      if (again.created !== 0) throw new Error('a re-run created members');
      process.stdout.write(`re-run of the same file (creates nothing): ${again.seconds.toFixed(1)} s\n`);
    }
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    await handle.close();
    if (values.keep) process.stderr.write(`kept database ${url.toString()}\n`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(file, { force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
