/**
 * Where the server's time goes, without guessing: the confirm's SQL driven from Node with plain
 * node-postgres (no HTTP, no Fastify, no Kysely, no domain code), in two shapes.
 *
 *   statements  the 15 round trips the server makes today (bench/pgbench/confirm.sql, as $n parameters)
 *   folded      the same rows in 5 round trips: BEGIN; operation insert + member + accounts FOR UPDATE;
 *               lots + holds (read after the lock); one write (data-modifying CTEs: lot, posting,
 *               account, ledger_entry, receipt, receipt_line, event_outbox, operation response); COMMIT
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

const MEMBER_SQL = `select "member"."id", "member"."tenant_id", "member"."status", "member"."status_reason", "member"."phone", "member"."email", "member"."first_name", "member"."last_name", member.birth_date::text as "birth_date", "member"."external_id", "member"."tags", "member"."attributes", "member"."source", "member"."created_at", "member"."updated_at", "member"."blocked_at", "member"."anonymized_at", (select "member_card"."number" from "member_card" where "member_card"."tenant_id" = "member"."tenant_id" and "member_card"."member_id" = "member"."id" and "member_card"."status" = $1 order by "member_card"."bound_at" desc, "member_card"."number" desc limit $2) as "card_number", (select "household_member"."household_id" from "household_member" where "household_member"."tenant_id" = "member"."tenant_id" and "household_member"."member_id" = "member"."id") as "household_id" from "member" where "member"."tenant_id" = $3 and "member"."id" = $4`;

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

async function statementsShape(c: pg.PoolClient, v: Vars, m: number, r: string) {
  const now = new Date();
  const exp = new Date(now.getTime() + 365 * 86_400_000);
  const member = `mbr_b${m}`;
  const acc = `acc_b${m}a`;
  const pts = 5 + (m % 100);
  const amt = 3990 + (m % 200000);
  const nLines = 1 + (m % 3);
  await c.query('begin');
  await c.query(
    `insert into "operation" ("id", "tenant_id", "scope", "key", "request_hash", "response_status", "response_body") values ($1, $2, $3, $4, $5, $6, $7) on conflict ("tenant_id", "scope", "key") do nothing returning "id"`,
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
  await c.query(MEMBER_SQL, ['active', 1, v.tenant, member]);
  await c.query(
    `select "id", "kind", "balance", "debt" from "account" where "tenant_id" = $1 and "member_id" = $2 and "currency" = $3 order by "kind" for update`,
    [v.tenant, member, 'points'],
  );
  await c.query(
    `select * from "lot" where "tenant_id" = $1 and "member_id" = $2 and "currency" = $3 and "remaining" > $4`,
    [v.tenant, member, 'points', 0],
  );
  await c.query(
    `select "id", "lots", "expires_at", "receipt_id", "points" from "points_hold" where "tenant_id" = $1 and "member_id" = $2 and "currency" = $3 and "expires_at" > $4`,
    [v.tenant, member, 'points', now],
  );
  await c.query(
    `insert into "lot" ("id", "tenant_id", "member_id", "currency", "bucket", "amount", "remaining", "activates_at", "expires_at", "created_at", "operation_id", "receipt_id") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [`lot_${r}`, v.tenant, member, 'points', 'available', pts, pts, now, exp, now, `op_${r}`, `flr-${r}`],
  );
  await c.query(
    `insert into "posting" ("tenant_id", "operation_id", "currency", "from_account_id", "to_account_id", "points", "lot_id", "member_id") values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [v.tenant, `op_${r}`, 'points', v.issued, acc, pts, `lot_${r}`, member],
  );
  await c.query(`update "account" set "balance" = "balance" + $1, "debt" = $2 where "id" = $3`, [
    pts,
    0,
    acc,
  ]);
  await c.query(
    `insert into "ledger_entry" ("tenant_id", "member_id", "currency", "operation_id", "kind", "bucket", "points", "balance_after", "pending_after", "receipt_id", "reason", "at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [v.tenant, member, 'points', `op_${r}`, 'accrue', 'available', pts, pts, 0, `flr-${r}`, null, now],
  );
  await c.query(
    `insert into "receipt" ("tenant_id", "id", "member_id", "store_id", "terminal_id", "channel", "status", "occurred_at", "confirmed_at", "currency", "program_version", "amount_minor", "discount_minor", "points_spent", "points_spent_minor", "payable_minor", "points_earned", "earn_lot_id", "spend_allocation", "effects", "coupons", "earn", "operation_id") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::jsonb, $20::jsonb, $21::jsonb, $22::jsonb, $23)`,
    [
      v.tenant,
      `flr-${r}`,
      member,
      'store-001',
      'till-1',
      'pos',
      'confirmed',
      now,
      now,
      'RUB',
      1,
      amt,
      0,
      0,
      0,
      amt,
      pts,
      `lot_${r}`,
      '[]',
      '[]',
      v.coupons,
      v.earn,
      `op_${r}`,
    ],
  );
  const lines = lineRows(v.tenant, `flr-${r}`, nLines, amt, pts);
  await c.query(
    `insert into "receipt_line" ("tenant_id", "receipt_id", "line_no", "line_id", "sku", "category", "quantity_milli", "amount_minor", "discount_minor", "discount_percent", "points_spent", "points_spent_minor", "payable_minor", "points_earned") values ${lines.tuples.join(', ')}`,
    lines.values,
  );
  await c.query(
    `insert into "event_outbox" ("tenant_id", "type", "member_id", "dedupe_key", "payload", "occurred_at") values ($1, $2, $3, $4, $5::jsonb, $6)`,
    [v.tenant, 'receipt.confirmed', member, null, v.event, now],
  );
  await c.query(
    `update "operation" set "response_status" = $1, "response_body" = $2::jsonb where "id" = $3`,
    [201, v.body, `op_${r}`],
  );
  await c.query('commit');
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
  const lines = lineRows(v.tenant, `flr-${r}`, nLines, amt, pts);
  const base = 15;
  const lineTuples = lines.tuples.map((t) => t.replace(/\$(\d+)/g, (_, d: string) => `$${Number(d) + base}`));
  await c.query(
    `with lo as (insert into lot (id, tenant_id, member_id, currency, bucket, amount, remaining, activates_at, expires_at, created_at, operation_id, receipt_id)
                 values ($3, $1, $2, 'points', 'available', $4, $4, $5, $6, $5, $7, $8)),
          po as (insert into posting (tenant_id, operation_id, currency, from_account_id, to_account_id, points, lot_id, member_id)
                 values ($1, $7, 'points', $9, $10, $4, $3, $2)),
          ac as (update account set balance = balance + $4, debt = 0 where id = $10),
          le as (insert into ledger_entry (tenant_id, member_id, currency, operation_id, kind, bucket, points, balance_after, pending_after, receipt_id, reason, at)
                 values ($1, $2, 'points', $7, 'accrue', 'available', $4, $4, 0, $8, null, $5)),
          re as (insert into receipt (tenant_id, id, member_id, store_id, terminal_id, channel, status, occurred_at, confirmed_at, currency, program_version, amount_minor, discount_minor, points_spent, points_spent_minor, payable_minor, points_earned, earn_lot_id, spend_allocation, effects, coupons, earn, operation_id)
                 values ($1, $8, $2, 'store-001', 'till-1', 'pos', 'confirmed', $5, $5, 'RUB', 1, $11, 0, 0, 0, $11, $4, $3, '[]', '[]', $12::jsonb, $13::jsonb, $7)),
          rl as (insert into receipt_line (tenant_id, receipt_id, line_no, line_id, sku, category, quantity_milli, amount_minor, discount_minor, discount_percent, points_spent, points_spent_minor, payable_minor, points_earned)
                 values ${lineTuples.join(', ')}),
          ev as (insert into event_outbox (tenant_id, type, member_id, dedupe_key, payload, occurred_at) values ($1, 'receipt.confirmed', $2, null, $14::jsonb, $5))
     update operation set response_status = 201, response_body = $15::jsonb where id = $7`,
    [
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
      ...lines.values,
    ],
  );
  await c.query('commit');
}

export async function sqlFloor(o: {
  url: string;
  clients: number;
  durationS: number;
  shape: 'statements' | 'folded';
  vars: Vars;
  pgDataDir?: string;
}) {
  const pool = new pg.Pool({ connectionString: o.url, max: o.clients });
  const pm = o.pgDataDir ? postmasterPid(o.pgDataDir) : null;
  const run = o.shape === 'folded' ? foldedShape : statementsShape;
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
  for (const shape of ['statements', 'folded'] as const) {
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
