/**
 * Tier re-evaluation at scale: seeds N members with receipts in a fresh PostgreSQL database, puts a
 * three-tier ladder on them and times the `tiers.reevaluate` job's passes (set-based SQL in batches).
 *
 *   node --import tsx bench/tier-reevaluation.ts                         # 100k and 1M members
 *   node --import tsx bench/tier-reevaluation.ts --scale 100k --receipts-per-member 4
 *   node --import tsx bench/tier-reevaluation.ts --pg-url postgres://postgres@127.0.0.1:5432/postgres --keep
 *
 * For each size it reports, on one tenant:
 *   cold      the first full pass: every member is looked at; members above the entry tier get a
 *             member_tier row, a history entry and a tier.changed event;
 *   steady    the next day's full pass: everyone again, few changes (the window moved one day);
 *   attention a run between daily passes after refunds flagged 1 % of the tiered members.
 * Seeding is server-side (INSERT … SELECT generate_series), so it measures the database, not the driver.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { TierLadder } from '@kopilka/domain/tiers';
import pg from 'pg';
import { reevaluateTenantTiers } from '../packages/server/src/capabilities/tiers/tiers.jobs';
import { createPostgres } from '../packages/server/src/platform/db';
import { migrateToLatest } from '../packages/server/src/platform/migrate';

const SCALES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };

function parseArgs(argv: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[a.slice(2)] = next;
      i++;
    } else out[a.slice(2)] = true;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const str = (name: string, dflt: string) => (typeof args[name] === 'string' ? (args[name] as string) : dflt);
const adminUrl = str('pg-url', process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const sizes = str('scale', '100k,1m')
  .split(',')
  .map((s) => SCALES[s.trim().toLowerCase()] ?? Number(s));
const receiptsPerMember = Number(str('receipts-per-member', '3'));
const keep = args.keep === true;

const TENANT = 'ten_bench_tiers';
const ANCHOR = new Date('2026-11-22T03:00:00Z');
const LADDER: TierLadder = {
  windowDays: 365,
  tiers: [
    { code: 'silver', name: 'Silver', qualifyingSpendMinor: 0, discountPercent: '5', earnMultiplier: '1' },
    {
      code: 'gold',
      name: 'Gold',
      qualifyingSpendMinor: 3_000_000,
      discountPercent: '10',
      earnMultiplier: '1.5',
    },
    {
      code: 'platinum',
      name: 'Platinum',
      qualifyingSpendMinor: 10_000_000,
      discountPercent: '15',
      earnMultiplier: '2',
    },
  ],
};

const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const secondsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function admin(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

// The machine is shared: wall time swings with other people's load, so each pass also reports the
// CPU seconds PostgreSQL's backends for the bench database and this process spent on it.
const CLOCK_TICKS = 100;
function backendCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

async function measure<T>(client: pg.Client, dbName: string, fn: () => Promise<T>) {
  const pids = async () =>
    (
      await client.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [dbName],
      )
    ).rows.map((r) => r.pid);
  const before = new Map((await pids()).map((pid) => [pid, backendCpuSeconds(pid)]));
  const node0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const seconds = secondsSince(t0);
  const node = process.cpuUsage(node0);
  let pgCpu = 0;
  for (const pid of await pids()) pgCpu += backendCpuSeconds(pid) - (before.get(pid) ?? 0);
  return {
    value,
    seconds: round(seconds),
    pgCpuSeconds: round(pgCpu),
    nodeCpuSeconds: round((node.user + node.system) / 1e6),
    load1: round(loadavg()[0] ?? 0, 1),
  };
}

async function benchOne(members: number) {
  const dbName = `kopilka_bench_tiers_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const handle = createPostgres(url.toString(), 4);
  const db = handle.db;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await migrateToLatest(db);
    const receipts = members * receiptsPerMember;
    log(`${members} members, ${receipts} receipts: seeding ${dbName}`);
    const t0 = process.hrtime.bigint();
    await client.query(`insert into tenant (id, slug, name) values ($1, 'bench-tiers', 'Bench tiers')`, [
      TENANT,
    ]);
    await client.query(
      `insert into member (id, tenant_id, external_id, source, created_at, updated_at)
       select 'mbr_' || lpad(i::text, 9, '0'), $1, 'ext' || i, 'import', $2::timestamptz, $2::timestamptz
       from generate_series(1, $3::int) i`,
      [TENANT, ANCHOR, members],
    );
    // Heavy-tailed spend per receipt (most small, a few large) over 400 days, so some of it has
    // left the 365-day window; 5 % of receipts refunded in full. Setting the seed keeps runs comparable.
    await client.query('select setseed(0.42)');
    await client.query(
      `insert into receipt (tenant_id, id, member_id, status, occurred_at, confirmed_at, currency, program_version,
                            amount_minor, discount_minor, points_spent, points_spent_minor, payable_minor, points_earned,
                            refunded_amount_minor, spend_allocation, effects, coupons, earn, operation_id)
       select $1, 'rcp_' || g.r, 'mbr_' || lpad((((g.r - 1) % $3::int) + 1)::text, 9, '0'),
              case when g.refunded then 'refunded' else 'confirmed' end,
              g.at, g.at, 'RUB', 0, g.paid, 0, 0, 0, g.paid, 0,
              case when g.refunded then g.paid else 0 end,
              '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '{}'::jsonb, 'op_bench'
       from (
         select r,
                $2::timestamptz - (random() * 400) * interval '1 day' as at,
                least(20000000, (50000 / power(greatest(random(), 1e-6), 1.6)))::bigint as paid,
                random() < 0.05 as refunded
         from generate_series(1, $4::int) r
       ) g`,
      [TENANT, ANCHOR, members, receipts],
    );
    await client.query(
      `insert into tier_ladder (tenant_id, settings, version, updated_at) values ($1, $2::jsonb, 1, $3)`,
      [TENANT, JSON.stringify(LADDER), ANCHOR],
    );
    await client.query('analyze');
    const seedSeconds = secondsSince(t0);
    log(`  seeded in ${round(seedSeconds, 1)} s`);

    const cold = await measure(client, dbName, () =>
      reevaluateTenantTiers(db, TENANT, LADDER, ANCHOR, { forceFullPass: true }),
    );
    log(
      `  cold full pass: ${cold.seconds} s (PostgreSQL CPU ${cold.pgCpuSeconds} s, load ${cold.load1}), ${cold.value.moved} members moved`,
    );
    await client.query('analyze member_tier');

    const nextDay = new Date(ANCHOR.getTime() + 86_400_000);
    const steady = await measure(client, dbName, () =>
      reevaluateTenantTiers(db, TENANT, LADDER, nextDay, { forceFullPass: true }),
    );
    log(
      `  steady full pass: ${steady.seconds} s (PostgreSQL CPU ${steady.pgCpuSeconds} s, load ${steady.load1}), ${steady.value.moved} members moved`,
    );

    // Refunds between daily passes: flag 1 % of the tiered members, as onReceiptRefunded does.
    await client.query(
      `update member_tier set needs_review = true where tenant_id = $1 and member_id in (
         select member_id from member_tier where tenant_id = $1 order by md5(member_id) limit greatest(1, (select count(*) / 100 from member_tier where tenant_id = $1)))`,
      [TENANT],
    );
    const attention = await measure(client, dbName, () =>
      reevaluateTenantTiers(db, TENANT, LADDER, new Date(nextDay.getTime() + 3_600_000)),
    );
    log(`  attention pass: ${attention.seconds} s over ${attention.value.members} flagged members`);

    const dist = await client.query<{ tier_code: string; n: string }>(
      `select coalesce(mt.tier_code, 'silver (no row)') as tier_code, count(*)::text as n
       from member m left join member_tier mt on mt.tenant_id = m.tenant_id and mt.member_id = m.id
       where m.tenant_id = $1 group by 1 order by 1`,
      [TENANT],
    );
    return {
      members,
      receipts,
      seedSeconds: round(seedSeconds, 1),
      cold: {
        ...cold,
        value: undefined,
        membersPerSec: Math.round(members / cold.seconds),
        moved: cold.value.moved,
      },
      steady: {
        ...steady,
        value: undefined,
        membersPerSec: Math.round(members / steady.seconds),
        moved: steady.value.moved,
      },
      attention: {
        ...attention,
        value: undefined,
        flagged: attention.value.members,
        moved: attention.value.moved,
        fullPass: attention.value.fullPass,
      },
      tiers: Object.fromEntries(dist.rows.map((r) => [r.tier_code, Number(r.n)])),
    };
  } finally {
    await client.end();
    await handle.close();
    if (!keep) await admin(`drop database if exists ${dbName} with (force)`);
    else log(`  kept database ${dbName}`);
  }
}

const results = [];
for (const members of sizes) results.push(await benchOne(members));
const cpus = (await import('node:os')).cpus().length;
console.log(
  JSON.stringify({ bench: 'tier-reevaluation', cpus, batch: 5000, receiptsPerMember, results }, null, 2),
);
