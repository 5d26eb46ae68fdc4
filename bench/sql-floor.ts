/**
 * Where the server's time goes, without guessing: the confirm's SQL driven from Node with plain
 * node-postgres (no HTTP, no Fastify, no Kysely, no domain code), in two shapes.
 *
 *   server      the 7 round trips the server makes (bench/pgbench/confirm.sql, as $n parameters):
 *               BEGIN; operation claim; member; accounts FOR UPDATE; lots + holds; one write of
 *               data-modifying CTEs (lot, posting, account, ledger_entry, receipt, receipt_line,
 *               event_outbox, operation response); COMMIT
 *   folded      5 round trips: the claim, member and account lock folded into one statement too
 *
 *   node --import tsx bench/sql-floor.ts --url postgres://postgres@127.0.0.1:5499/kopilka_bench_100k --clients 8 --duration 10
 *
 * Reports transactions/s and CPU ms per transaction of this process and of PostgreSQL. Run by
 * `npm run bench -- --only floor`; the numbers bound what a leaner hot path in the server could reach.
 */
import pg from 'pg';
import { postmasterPid } from './lib/pg';
import { loadAverage, parseArgs, round, sleep, treeCpuSeconds } from './lib/util';

type Vars = {
  tenant: string;
  members: number;
  issued: string;
  body: string;
  event: string;
  earn: string;
  coupons: string;
};

function lineRows(tenant: string, receiptId: string, n: number, amt: number, pts: number) {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = values.length;
    tuples.push(`(${Array.from({ length: 14 }, (_, k) => `$${b + k + 1}`).join(', ')})`);
    values.push(
      tenant,
      receiptId,
      i,
      String(i + 1),
      `SKU-000${i + 1}`,
      'coffee',
      1000,
      amt,
      0,
      '0',
      0,
      0,
      amt,
      i === 0 ? pts : 0,
    );
  }
  return { tuples, values };
}

// The server's statements since ADR 0006 (bench/pgbench/confirm.sql): claim, member reference,
// account lock, lots and holds in one read, every write in one statement.
async function serverShape(c: pg.PoolClient, v: Vars, m: number, r: string) {
  const now = new Date();
  const exp = new Date(now.getTime() + 365 * 86_400_000);
  const member = `mbr_b${m}`;
  const acc = `acc_b${m}a`;
  const pts = 5 + (m % 100);
  const amt = 3990 + (m % 200000);
  const nLines = 1 + (m % 3);
  await c.query('begin');
  await c.query(
    `insert into operation (id, tenant_id, scope, key, request_hash, response_status, response_body) values ($1, $2, $3, $4, $5, $6, $7) on conflict (tenant_id, scope, key) do nothing returning id`,
    [
      `op_${r}`,
      v.tenant,
      'receipt.confirm',
      `flr-${r}`,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      null,
      null,
    ],
  );
  await c.query('select id, status, merged_into from member where tenant_id = $1 and id = $2', [
    v.tenant,
    member,
  ]);
  await c.query(
    `select id, kind, balance, debt, forwarded_to, forward_reason from account where tenant_id = $1 and member_id = $2 and currency = $3 order by kind for update`,
    [v.tenant, member, 'points'],
  );
  await c.query(
    `select 'lot' as row_kind, id, bucket, amount, remaining, activates_at, expires_at, created_at, receipt_id, null::jsonb as hold_lots
     from lot where tenant_id = $1 and member_id = $2 and currency = $3 and remaining > 0
     union all
     select 'hold', id, null, points, null, null, expires_at, null, receipt_id, lots
     from points_hold where tenant_id = $1 and member_id = $2 and currency = $3 and expires_at > $4`,
    [v.tenant, member, 'points', now],
  );
  await c.query(writeSql(nLines), writeParams(v, member, acc, r, pts, amt, now, exp, nLines));
  await c.query('commit');
}

function writeSql(nLines: number): string {
  const base = 15;
  const lineTuples = lineRows('', '', nLines, 0, 0).tuples.map((t) =>
    t.replace(/\$(\d+)/g, (_, d: string) => `$${Number(d) + base}`),
  );
  return `with w0 as (insert into lot (id, tenant_id, member_id, currency, bucket, amount, remaining, activates_at, expires_at, created_at, operation_id, receipt_id)
                 values ($3, $1, $2, 'points', 'available', $4, $4, $5, $6, $5, $7, $8)),
          w1 as (insert into posting (tenant_id, operation_id, currency, from_account_id, to_account_id, points, lot_id, member_id)
                 values ($1, $7, 'points', $9, $10, $4, $3, $2)),
          w2 as (update account set balance = account.balance + v.balance, debt = coalesce(v.debt, account.debt)
                 from (values ($10::text, $4::bigint, 0::bigint)) as v(id, balance, debt) where account.id = v.id),
          w3 as (insert into ledger_entry (tenant_id, member_id, currency, operation_id, kind, bucket, points, balance_after, pending_after, receipt_id, reason, at)
                 values ($1, $2, 'points', $7, 'accrue', 'available', $4, $4, 0, $8, null, $5)),
          w4 as (insert into receipt (tenant_id, id, member_id, store_id, terminal_id, channel, status, occurred_at, confirmed_at, currency, program_version, amount_minor, discount_minor, points_spent, points_spent_minor, payable_minor, points_earned, earn_lot_id, spend_allocation, effects, coupons, earn, operation_id)
                 values ($1, $8, $2, 'store-001', 'till-1', 'pos', 'confirmed', $5, $5, 'RUB', 1, $11, 0, 0, 0, $11, $4, $3, '[]', '[]', $12::jsonb, $13::jsonb, $7)),
          w5 as (insert into receipt_line (tenant_id, receipt_id, line_no, line_id, sku, category, quantity_milli, amount_minor, discount_minor, discount_percent, points_spent, points_spent_minor, payable_minor, points_earned)
                 values ${lineTuples.join(', ')}),
          w6 as (insert into event_outbox (tenant_id, type, member_id, dedupe_key, payload, occurred_at) values ($1, 'receipt.confirmed', $2, null, $14::jsonb, $5)),
          w7 as (update operation set response_status = 201, response_body = $15::jsonb where id = $7)
     select 1`;
}

function writeParams(
  v: Vars,
  member: string,
  acc: string,
  r: string,
  pts: number,
  amt: number,
  now: Date,
  exp: Date,
  nLines: number,
): unknown[] {
  return [
    v.tenant,
    member,
    `lot_${r}`,
    pts,
    now,
    exp,
    `op_${r}`,
    `flr-${r}`,
    v.issued,
    acc,
    amt,
    v.coupons,
    v.earn,
    v.event,
    v.body,
    ...lineRows(v.tenant, `flr-${r}`, nLines, amt, pts).values,
  ];
}

// Idempotency row, member and account lock in one statement; lots and holds in the next one, so
// they are read after the lock with a fresh snapshot (READ COMMITTED takes one per statement).
const CLAIM_SQL = `with op as (insert into operation (id, tenant_id, scope, key, request_hash, response_status, response_body)
                    values ($1, $2, 'receipt.confirm', $3, $4, null, null) on conflict (tenant_id, scope, key) do nothing returning id),
  m as (select id, status from member where tenant_id = $2 and id = $5),
  a as (select id, kind, balance, debt from account where tenant_id = $2 and member_id = $5 and currency = 'points' order by kind for update)
select (select id from op) as op_id, (select row_to_json(m) from m) as member, (select json_agg(a) from a) as accounts`;
const LOTS_SQL = `select (select coalesce(json_agg(l), '[]') from lot l where l.tenant_id = $1 and l.member_id = $2 and l.currency = 'points' and l.remaining > 0) as lots,
       (select coalesce(json_agg(h), '[]') from points_hold h where h.tenant_id = $1 and h.member_id = $2 and h.currency = 'points' and h.expires_at > $3) as holds`;

async function foldedShape(c: pg.PoolClient, v: Vars, m: number, r: string) {
  const now = new Date();
  const exp = new Date(now.getTime() + 365 * 86_400_000);
  const member = `mbr_b${m}`;
  const acc = `acc_b${m}a`;
  const pts = 5 + (m % 100);
  const amt = 3990 + (m % 200000);
  const nLines = 1 + (m % 3);
  await c.query('begin');
  await c.query(CLAIM_SQL, [
    `op_${r}`,
    v.tenant,
    `flr-${r}`,
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    member,
  ]);
  await c.query(LOTS_SQL, [v.tenant, member, now]);
  await c.query(writeSql(nLines), writeParams(v, member, acc, r, pts, amt, now, exp, nLines));
  await c.query('commit');
}

export async function sqlFloor(o: {
  url: string;
  clients: number;
  durationS: number;
  shape: 'server' | 'folded';
  vars: Vars;
  pgDataDir?: string;
}) {
  const pool = new pg.Pool({ connectionString: o.url, max: o.clients });
  const pm = o.pgDataDir ? postmasterPid(o.pgDataDir) : null;
  const run = o.shape === 'folded' ? foldedShape : serverShape;
  const tag = `${Date.now().toString(36)}`;
  let n = 0;
  let seq = 0;
  const latencies: number[] = [];
  // warm-up
  const warmUntil = Date.now() + 2000;
  const loop = async (until: number, record: boolean) => {
    while (Date.now() < until) {
      const c = await pool.connect();
      const t = performance.now();
      try {
        await run(c, o.vars, 1 + Math.floor(Math.random() * o.vars.members), `${tag}${o.shape[0]}${seq++}`);
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
      if (record) {
        n++;
        latencies.push(performance.now() - t);
      }
    }
  };
  await Promise.all(Array.from({ length: o.clients }, () => loop(warmUntil, false)));
  const load = loadAverage();
  const cpu0 = process.cpuUsage();
  const pg0 = pm ? treeCpuSeconds(pm) : 0;
  const t0 = Date.now();
  const until = t0 + o.durationS * 1000;
  await Promise.all(Array.from({ length: o.clients }, () => loop(until, true)));
  const secs = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = pm ? treeCpuSeconds(pm) : 0;
  await pool.end();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    round(
      latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN,
      2,
    );
  return {
    shape: o.shape,
    clients: o.clients,
    tps: round(n / secs),
    latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
    cpuPerOp: {
      nodeMs: round((cpu.user + cpu.system) / 1000 / Math.max(1, n), 2),
      postgresMs: round(((pg1 - pg0) * 1000) / Math.max(1, n), 2),
    },
    load,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = parseArgs(process.argv.slice(2));
  const url = String(a.url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const tenant = (await c.query<{ id: string }>('select id from tenant limit 1')).rows[0]!.id;
  const members = Number((await c.query<{ n: string }>('select count(*) as n from member')).rows[0]!.n);
  const issued = (
    await c.query<{ id: string }>(
      `select id from account where member_id is null and kind = 'issued' limit 1`,
    )
  ).rows[0]!.id;
  await c.end();
  const vars: Vars = {
    tenant,
    members,
    issued,
    body: '{"receiptId":"x"}',
    event: '{"receiptId":"x"}',
    earn: '{"points":5}',
    coupons: '{"applied":[],"unused":[]}',
  };
  for (const shape of ['server', 'folded'] as const) {
    const r = await sqlFloor({
      url,
      clients: Number(a.clients ?? 8),
      durationS: Number(a.duration ?? 10),
      shape,
      vars,
      ...(typeof a['pg-data'] === 'string' ? { pgDataDir: a['pg-data'] } : {}),
    });
    process.stdout.write(`${JSON.stringify(r)}\n`);
    await sleep(500);
  }
}
