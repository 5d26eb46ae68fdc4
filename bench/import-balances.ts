/**
 * Balance import benchmark: `kopilka import balances` of 100,000 rows into PostgreSQL.
 *
 *   node --import tsx bench/import-balances.ts [--rows 100000] [--members 100000] [--seed 7]
 *     [--batch 1000] [--db-url postgres://…] [--keep] [--out bench/results/import-balances.json]
 *
 * Creates a fresh database, a program and `--members` members (through the member import), then
 * generates a seeded balances file — members referenced by externalId, phone or memberId, 20 % of
 * them with a second lot, expiry dates, a few pending lots, 0.5 % broken rows — and imports it with
 * the code the CLI runs. Then: the same file again (must credit nothing), `ledger verify` over the
 * whole ledger, and `export balances`. Generation and member creation are not timed.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { verifyLedger } from '../packages/server/src/capabilities/ledger/ledger-verify.service';
import { exportBalances } from '../packages/server/src/capabilities/members/export-balances.service';
import { importBalances } from '../packages/server/src/capabilities/members/import-balances.service';
import { importMembers } from '../packages/server/src/capabilities/members/import-members.service';
import { createTenant } from '../packages/server/src/capabilities/tenants/tenants.service';
import { createPostgres } from '../packages/server/src/platform/db';
import { migrateToLatest } from '../packages/server/src/platform/migrate';
import { rng } from './lib/util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    members: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '7' },
    batch: { type: 'string', default: '1000' },
    'db-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const ROWS = Number(values.rows);
const MEMBERS = Number(values.members);
const adminUrl =
  values['db-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const phoneOf = (i: number) => `+7915${String((i * 7919) % 10_000_000).padStart(7, '0')}`;

async function writeLines(file: string, lines: Iterable<string>) {
  const out = createWriteStream(file);
  let chunk = '';
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(r));
}

async function main() {
  const name = `kopilka_bench_balances_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = createPostgres(url.toString(), 4);
  const membersFile = join(tmpdir(), `${name}-members.csv`);
  const balancesFile = join(tmpdir(), `${name}-balances.csv`);
  const clients: pg.Client[] = [];
  try {
    await migrateToLatest(handle.db);
    const tenant = await createTenant(handle.db, { name: 'Bench', slug: 'bench' });
    await writeLines(
      membersFile,
      (function* () {
        yield 'phone,externalId';
        for (let i = 0; i < MEMBERS; i++) yield `${phoneOf(i)},old-${i}`;
      })(),
    );
    const t0 = Date.now();
    const members = await importMembers({
      db: handle.db,
      engine: 'postgres',
      tenantId: tenant.id,
      input: createReadStream(membersFile),
      now: new Date(),
      copyConnection: async () => {
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        clients.push(c);
        return c;
      },
    });
    process.stderr.write(
      `created ${members.created} members in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const ids = await handle.db
      .selectFrom('member')
      .select(['id', 'external_id'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    const idOf = new Map(ids.map((m) => [m.external_id, m.id]));

    const rnd = rng(Number(values.seed)).next;
    let broken = 0;
    await writeLines(
      balancesFile,
      (function* () {
        yield 'memberId,externalId,phone,points,expiresAt,activatesAt,comment';
        for (let r = 0; r < ROWS; r++) {
          // 80 % of the members once, the rest get a second lot (the same member twice).
          const i = r < MEMBERS * 0.8 ? r : Math.floor(rnd() * MEMBERS);
          const points = 1 + Math.floor(rnd() * 5000);
          const month = 1 + Math.floor(rnd() * 12);
          const expires = rnd() < 0.1 ? '' : `2027-${String(month).padStart(2, '0')}-28`;
          const activates = rnd() < 0.02 ? '2026-12-15' : '';
          const kind = r % 3;
          let ref =
            kind === 0 ? `,old-${i},` : kind === 1 ? `,,${phoneOf(i)}` : `${idOf.get(`old-${i}`) ?? ''},,`;
          let pts = String(points);
          if (rnd() < 0.005) {
            broken++;
            const bad = Math.floor(rnd() * 3);
            if (bad === 0) ref = ',nobody-at-all,';
            else if (bad === 1) pts = `${points}.5`;
            else pts = `-${points}`;
          }
          yield `${ref},${pts},${expires},${activates},migration`;
        }
      })(),
    );

    const runOnce = async () => {
      let problems = 0;
      const report = await importBalances({
        db: handle.db,
        tenantId: tenant.id,
        input: createReadStream(balancesFile),
        now: new Date(),
        batchSize: Number(values.batch),
        onProblem: () => {
          problems++;
        },
        onProgress: (p) => {
          if (p.rows % 20_000 === 0) process.stderr.write(`  ${p.rows.toLocaleString('en-US')} rows\n`);
        },
      });
      if (problems !== report.invalid + report.unknownMembers + report.alreadyImported) {
        throw new Error('a problem was not reported');
      }
      return report;
    };
    const load = loadavg()[0];
    const first = await runOnce();
    process.stdout.write(`${JSON.stringify({ run: 'first', ...first })}\n`);
    if (first.invalid + first.unknownMembers !== broken || first.credited !== ROWS - broken) {
      throw new Error(`unexpected counts: ${broken} broken rows generated`);
    }
    const again = await runOnce();
    process.stdout.write(`${JSON.stringify({ run: 'rerun', ...again })}\n`);
    if (again.credited !== 0) throw new Error('the re-run credited rows');

    const v0 = Date.now();
    const verify = await verifyLedger(handle.db, { policyOf: async () => 'debt' });
    const verifySeconds = (Date.now() - v0) / 1000;
    if (!verify.ok) throw new Error(`ledger verify failed: ${JSON.stringify(verify.problems.slice(0, 5))}`);

    const e0 = Date.now();
    const sink = new PassThrough();
    sink.resume();
    const exported = await exportBalances(handle.db, tenant.id, sink, { now: new Date() });
    const exportSeconds = (Date.now() - e0) / 1000;

    const result = {
      bench: 'import-balances',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage1mAtStart: load },
      rows: ROWS,
      members: MEMBERS,
      batchSize: Number(values.batch),
      firstRun: {
        seconds: first.seconds,
        rowsPerSecond: Math.round(first.rows / first.seconds),
        credited: first.credited,
        invalid: first.invalid,
        unknownMembers: first.unknownMembers,
      },
      rerun: { seconds: again.seconds, rowsPerSecond: Math.round(again.rows / again.seconds), credited: 0 },
      ledgerVerify: { seconds: verifySeconds, ...verify.checked },
      exportBalances: { seconds: exportSeconds, ...exported },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `balance import of ${ROWS.toLocaleString('en-US')} rows: ${first.seconds.toFixed(1)} s (${result.firstRun.rowsPerSecond}/s); re-run ${again.seconds.toFixed(1)} s; ledger verify ${verifySeconds.toFixed(1)} s\n`,
    );
    if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    await handle.close();
    if (values.keep) process.stderr.write(`kept database ${url.toString()}\n`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(membersFile, { force: true });
    rmSync(balancesFile, { force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
