/**
 * Realistic loyalty data at 10k / 100k / 1M members, bulk-loaded with COPY into a fresh, migrated
 * Kopilka database on PostgreSQL. Reproducible: the same --seed and --anchor give the same rows.
 *
 * The shape: one program (the default rules: 5 % of what was paid, points expire after 365 days,
 * 30 % of a receipt may be paid with points), 60 stores with a few tills each, 600 SKUs in 12
 * categories. Member activity is heavy-tailed (a sorted Pareto sample, alpha 1.16: member #1 is the
 * most active, most members buy once or twice a year, a few buy every day), SKU and store popularity
 * Zipf-like. Every receipt of the last 360 days is written the way `POST /v1/receipts/confirm`
 * writes it: operation, receipt, receipt lines, the earned lot, postings issued -> available,
 * spends available -> redeemed consuming the soonest-expiring lots first, history entries, cached
 * balances. So `GET /v1/admin/ledger/verify` passes and refunds of generated receipts work.
 *
 * Deterministic ids let load scripts address rows without reading them back:
 *   member  mbr_b<i>          (i = 1..members; smaller i = more active)
 *   account acc_b<i>a / acc_b<i>p (available / pending)
 *   receipt hist-<r>          (r = 1..receipts)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { log, rng, round } from './lib/util';

export const SCALES: Record<string, number> = {
  '1k': 1_000,
  '10k': 10_000,
  '100k': 100_000,
  '1m': 1_000_000,
};

export type DatasetMeta = {
  database: string;
  scale: string;
  seed: number;
  anchor: string;
  tenantId: string;
  members: number;
  receipts: number;
  lines: number;
  lots: number;
  openLots: number;
  postings: number;
  spends: number;
  /** Every member with index <= richMax has at least RICH_POINTS available at the anchor. */
  richMax: number;
  pointsOutstanding: number;
  stores: number;
  skus: number;
  generateSeconds: number;
  analyzeSeconds: number;
  /** Next historic receipt a refund benchmark may use (each is refunded at most once). */
  refundCursor: number;
  /** source tree (commit) whose migrations made the schema */
  tree: string;
  /** fingerprint of that tree's migration files */
  migrations?: string;
};

export const RICH_POINTS = 60;
const DAY = 86_400_000;
const EXPIRY_DAYS = 365;
const HISTORY_DAYS = 360;

export const CATEGORIES = [
  'coffee',
  'tea',
  'bakery',
  'dairy',
  'produce',
  'meat',
  'frozen',
  'snacks',
  'drinks',
  'household',
  'personal-care',
  'alcohol',
];
const SKU_COUNT = 600;
const STORE_COUNT = 60;

export type Sku = { sku: string; category: string; priceMinor: number };

export function catalog(seed: number): Sku[] {
  const r = rng(seed ^ 0x5eed);
  const skus: Sku[] = [];
  for (let i = 1; i <= SKU_COUNT; i++) {
    const category = CATEGORIES[(i * 7) % CATEGORIES.length]!;
    // Prices 39.00 .. ~2,500.00 RUB, log-uniform, rounded to 0.90.
    const rub = Math.exp(Math.log(39) + r.next() * (Math.log(2500) - Math.log(39)));
    skus.push({ sku: `SKU-${String(i).padStart(4, '0')}`, category, priceMinor: Math.floor(rub) * 100 + 90 });
  }
  return skus;
}

/** Zipf(s) sampler over 1..n by inverse CDF on a precomputed table. */
function zipf(n: number, s: number) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cdf[k - 1] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k]! /= sum;
  return (u: number) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** Receipts a member with activity rank i (1 = most active) made in the last 360 days. */
export function receiptsOfRank(i: number, members: number): number {
  // Quantile function of Pareto(xm = 0.55, alpha = 1.16) at u = i / (members + 1), capped at one
  // purchase a day: mean ~2.2 receipts per member, half of the members with none in the window.
  const u = i / (members + 1);
  return Math.min(HISTORY_DAYS, Math.floor(0.55 / u ** (1 / 1.16)));
}

// COPY text format: tab-separated, \N for NULL; our values never contain tabs, newlines or backslashes.
const esc = (v: string | number | null | undefined) => (v === null || v === undefined ? '\\N' : String(v));
const row = (...vs: (string | number | null | undefined)[]) => `${vs.map(esc).join('\t')}\n`;

type Sink = {
  stream: Writable;
  client: pg.Client;
  buf: string[];
  size: number;
  done: Promise<void>;
  rows: number;
};

async function openSink(url: string, copySql: string): Promise<Sink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const stream = client.query(copyFrom(copySql));
  const done = new Promise<void>((res, rej) => {
    stream.on('finish', () => res());
    stream.on('error', rej);
  });
  return { stream, client, buf: [], size: 0, done, rows: 0 };
}

async function flush(s: Sink): Promise<void> {
  if (s.buf.length === 0) return;
  const chunk = s.buf.join('');
  s.buf = [];
  s.size = 0;
  if (!s.stream.write(chunk)) await new Promise<void>((r) => s.stream.once('drain', () => r()));
}

async function push(s: Sink, line: string): Promise<void> {
  s.buf.push(line);
  s.size += line.length;
  s.rows++;
  if (s.size > 1 << 20) await flush(s);
}

async function closeSink(s: Sink): Promise<void> {
  await flush(s);
  s.stream.end();
  await s.done;
  await s.client.end();
}

/** Splits `total` across `weights` by largest remainder, earlier first on ties (as the domain does). */
function splitLargestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const o of order) {
    if (left <= 0) break;
    out[o.i]!++;
    left--;
  }
  return out;
}

export const benchProgram = (name: string) => ({
  name,
  currency: 'RUB',
  timezone: 'Europe/Moscow',
  pointValueMinor: 100,
  earn: {
    pointsPerUnit: '0.05',
    rounding: 'floor',
    base: 'paid',
    excludedCategories: [],
    pendingDays: 0,
    expiryDays: EXPIRY_DAYS,
  },
  burn: { maxPercentOfReceipt: 30, excludedCategories: [] },
  refund: { policy: 'debt' },
  receipts: { maxDelayDays: 30 },
});

const PROGRAM_KINDS = ['issued', 'redeemed', 'expired', 'written_off', 'adjustments'] as const;
const FIRST = [
  'Anna',
  'Ivan',
  'Maria',
  'Dmitry',
  'Elena',
  'Sergey',
  'Olga',
  'Alexey',
  'Natalia',
  'Pavel',
  'Irina',
  'Nikolai',
];
const LAST = [
  'Ivanova',
  'Petrov',
  'Smirnova',
  'Kuznetsov',
  'Popova',
  'Sokolov',
  'Lebedeva',
  'Kozlov',
  'Novikova',
  'Morozov',
];

/**
 * Fills a migrated database (the tenant already bootstrapped) with `members` members and their
 * history. Returns what it wrote.
 */
export async function generate(opts: {
  url: string;
  database: string;
  scale: string;
  members: number;
  seed: number;
  anchor: Date;
  tree: string;
  migrations?: string;
  metaFile?: string;
}): Promise<DatasetMeta> {
  const started = Date.now();
  const { url, members, seed } = opts;
  const anchor = opts.anchor.getTime();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const tenant = (await admin.query<{ id: string }>('select id from tenant order by created_at limit 1'))
    .rows[0];
  if (!tenant) throw new Error('no tenant: start the server once on this database first');
  const tenantId = tenant.id;
  const versionFrom = new Date(anchor - 400 * DAY);
  await admin.query(
    `insert into program_version (tenant_id, version, settings, effective_from, created_by) values ($1, 1, $2::jsonb, $3, 'bench')
     on conflict do nothing`,
    [tenantId, JSON.stringify(benchProgram('Bench coffee & grocery')), versionFrom],
  );
  const programAccount = Object.fromEntries(PROGRAM_KINDS.map((k) => [k, `acc_prog_${k}`])) as Record<
    (typeof PROGRAM_KINDS)[number],
    string
  >;
  for (const kind of PROGRAM_KINDS) {
    await admin.query(
      `insert into account (id, tenant_id, member_id, currency, kind) values ($1, $2, null, 'points', $3) on conflict do nothing`,
      [programAccount[kind], tenantId, kind],
    );
  }
  // The server may have created program accounts already (it does on first use): use those.
  for (const r of (
    await admin.query<{ id: string; kind: (typeof PROGRAM_KINDS)[number] }>(
      `select id, kind from account where tenant_id = $1 and member_id is null and currency = 'points'`,
      [tenantId],
    )
  ).rows) {
    programAccount[r.kind] = r.id;
  }

  const sinks = {
    member: await openSink(
      url,
      'copy member (id, tenant_id, status, phone, email, first_name, last_name, birth_date, source, created_at, updated_at) from stdin',
    ),
    account: await openSink(
      url,
      'copy account (id, tenant_id, member_id, currency, kind, balance, debt, created_at) from stdin',
    ),
    operation: await openSink(
      url,
      'copy operation (id, tenant_id, scope, key, request_hash, response_status, response_body, created_at) from stdin',
    ),
    receipt: await openSink(
      url,
      'copy receipt (tenant_id, id, member_id, store_id, terminal_id, channel, status, occurred_at, confirmed_at, currency, program_version, amount_minor, discount_minor, points_spent, points_spent_minor, payable_minor, points_earned, earn_lot_id, spend_allocation, effects, coupons, earn, operation_id) from stdin',
    ),
    line: await openSink(
      url,
      'copy receipt_line (tenant_id, receipt_id, line_no, line_id, sku, category, quantity_milli, amount_minor, discount_minor, discount_percent, points_spent, points_spent_minor, payable_minor, points_earned) from stdin',
    ),
    lot: await openSink(
      url,
      'copy lot (id, tenant_id, member_id, currency, bucket, amount, remaining, activates_at, expires_at, created_at, operation_id, receipt_id) from stdin',
    ),
    posting: await openSink(
      url,
      'copy posting (tenant_id, operation_id, currency, from_account_id, to_account_id, points, lot_id, member_id, created_at) from stdin',
    ),
    entry: await openSink(
      url,
      'copy ledger_entry (tenant_id, member_id, currency, operation_id, kind, bucket, points, balance_after, pending_after, receipt_id, reason, at) from stdin',
    ),
  };

  const r = rng(seed);
  const skus = catalog(seed);
  const pickSku = zipf(skus.length, 1.05);
  const pickStore = zipf(STORE_COUNT, 0.8);
  const iso = (t: number) => new Date(t).toISOString();
  let receiptNo = 0;
  let lines = 0;
  let lots = 0;
  let openLots = 0;
  let spends = 0;
  let outstanding = 0;
  let richMax = 0;
  let richBroken = false;
  const EMPTY_EFFECTS = '[]';
  const EMPTY_COUPONS = '{"applied":[],"unused":[]}';

  for (let i = 1; i <= members; i++) {
    const memberId = `mbr_b${i}`;
    const accA = `acc_b${i}a`;
    const accP = `acc_b${i}p`;
    const k = receiptsOfRank(i, members);
    const joined = anchor - Math.floor((30 + r.next() * 700) * DAY);
    const birth = `${1950 + r.int(0, 55)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    await push(
      sinks.member,
      row(
        memberId,
        tenantId,
        'active',
        `+79${100000000 + i}`,
        r.next() < 0.7 ? `m${i}@example.com` : null,
        r.pick(FIRST),
        r.pick(LAST),
        birth,
        'import',
        iso(joined),
        iso(joined),
      ),
    );
    const homeStore = pickStore(r.next());
    // Receipt times: k distinct-ish instants in the last 360 days, oldest first.
    const times: number[] = [];
    for (let j = 0; j < k; j++) times.push(anchor - Math.floor(r.next() * HISTORY_DAYS * DAY) - 60_000);
    times.sort((a, b) => a - b);
    type OpenLot = { id: string; amount: number; remaining: number; expiresAt: number };
    const memberLots: OpenLot[] = [];
    let balance = 0;
    for (const t of times) {
      receiptNo++;
      const receiptId = `hist-${receiptNo}`;
      const opId = `op_h${receiptNo}`;
      const store = r.next() < 0.8 ? homeStore : pickStore(r.next());
      const storeId = `store-${String(store).padStart(3, '0')}`;
      const terminalId = `till-${r.int(1, 4)}`;
      const nLines = Math.min(8, 1 + Math.floor(-Math.log(1 - r.next()) * 1.4));
      const ls: { sku: Sku; qty: number; amount: number }[] = [];
      for (let l = 0; l < nLines; l++) {
        const sku = skus[pickSku(r.next()) - 1]!;
        const qty = r.next() < 0.8 ? 1 : r.int(2, 4);
        ls.push({ sku, qty, amount: sku.priceMinor * qty });
      }
      const amount = ls.reduce((a, l) => a + l.amount, 0);
      // Spend points on some receipts when the member has enough.
      const cap = Math.floor((amount * 30) / 100 / 100);
      let spend = 0;
      if (balance >= 20 && r.next() < 0.18) spend = Math.min(balance, cap, r.int(10, Math.max(10, balance)));
      const spentMinor = spend * 100;
      const lineSpentMinor = splitLargestRemainder(
        spentMinor,
        ls.map((l) => l.amount),
      );
      const lineSpent = splitLargestRemainder(spend, lineSpentMinor);
      const payable = amount - spentMinor;
      const earned = Math.floor(payable / 2000); // 0.05 points per rouble paid, floor
      const lineEarned = splitLargestRemainder(
        earned,
        ls.map((l, idx) => l.amount - lineSpentMinor[idx]!),
      );
      const allocation: { lotId: string; points: number }[] = [];
      if (spend > 0) {
        spends++;
        let left = spend;
        // Soonest expiry first, then oldest (lots are already in that order: same expiry rule).
        for (const lot of memberLots) {
          if (left === 0) break;
          if (lot.remaining === 0) continue;
          const take = Math.min(left, lot.remaining);
          lot.remaining -= take;
          left -= take;
          allocation.push({ lotId: lot.id, points: take });
        }
        balance -= spend;
        for (const a of allocation) {
          await push(
            sinks.posting,
            row(tenantId, opId, 'points', accA, programAccount.redeemed, a.points, a.lotId, memberId, iso(t)),
          );
        }
        await push(
          sinks.entry,
          row(
            tenantId,
            memberId,
            'points',
            opId,
            'spend',
            'available',
            -spend,
            balance,
            0,
            receiptId,
            null,
            iso(t),
          ),
        );
      }
      let earnLotId: string | null = null;
      if (earned > 0) {
        earnLotId = `lot_h${receiptNo}`;
        memberLots.push({
          id: earnLotId,
          amount: earned,
          remaining: earned,
          expiresAt: t + EXPIRY_DAYS * DAY,
        });
        balance += earned;
        await push(
          sinks.posting,
          row(tenantId, opId, 'points', programAccount.issued, accA, earned, earnLotId, memberId, iso(t)),
        );
        await push(
          sinks.entry,
          row(
            tenantId,
            memberId,
            'points',
            opId,
            'accrue',
            'available',
            earned,
            balance,
            0,
            receiptId,
            null,
            iso(t),
          ),
        );
      }
      const earnJson =
        earned > 0
          ? `{"points":${earned},"activatesAt":"${iso(t)}","expiresAt":"${iso(t + EXPIRY_DAYS * DAY)}"}`
          : `{"points":0,"activatesAt":null,"expiresAt":null}`;
      await push(
        sinks.receipt,
        row(
          tenantId,
          receiptId,
          memberId,
          storeId,
          terminalId,
          'pos',
          'confirmed',
          iso(t),
          iso(t),
          'RUB',
          1,
          amount,
          0,
          spend,
          spentMinor,
          payable,
          earned,
          earnLotId,
          JSON.stringify(allocation),
          EMPTY_EFFECTS,
          EMPTY_COUPONS,
          earnJson,
          opId,
        ),
      );
      for (let l = 0; l < ls.length; l++) {
        const x = ls[l]!;
        lines++;
        await push(
          sinks.line,
          row(
            tenantId,
            receiptId,
            l,
            String(l + 1),
            x.sku.sku,
            x.sku.category,
            x.qty * 1000,
            x.amount,
            0,
            '0',
            lineSpent[l]!,
            lineSpentMinor[l]!,
            x.amount - lineSpentMinor[l]!,
            lineEarned[l]!,
          ),
        );
      }
      const hash = createHash('sha256').update(receiptId).digest('hex');
      await push(
        sinks.operation,
        row(
          opId,
          tenantId,
          'receipt.confirm',
          receiptId,
          hash,
          201,
          `{"receiptId":"${receiptId}","status":"confirmed","generated":true}`,
          iso(t),
        ),
      );
    }
    for (const lot of memberLots) {
      lots++;
      if (lot.remaining > 0) openLots++;
      await push(
        sinks.lot,
        row(
          lot.id,
          tenantId,
          memberId,
          'points',
          'available',
          lot.amount,
          lot.remaining,
          iso(lot.expiresAt - EXPIRY_DAYS * DAY),
          iso(lot.expiresAt),
          iso(lot.expiresAt - EXPIRY_DAYS * DAY),
          `op_h${lot.id.slice(5)}`,
          `hist-${lot.id.slice(5)}`,
        ),
      );
    }
    outstanding += balance;
    if (!richBroken && balance >= RICH_POINTS) richMax = i;
    else richBroken = true;
    await push(sinks.account, row(accA, tenantId, memberId, 'points', 'available', balance, 0, iso(joined)));
    await push(sinks.account, row(accP, tenantId, memberId, 'points', 'pending', 0, 0, iso(joined)));
    if (i % 100_000 === 0) log(`  generated ${i} members, ${receiptNo} receipts`);
  }
  for (const s of Object.values(sinks)) await closeSink(s);
  const generateSeconds = round((Date.now() - started) / 1000);
  log(`  COPY done in ${generateSeconds} s; vacuum analyze`);
  const t0 = Date.now();
  await admin.query('vacuum analyze');
  await admin.end();
  const meta: DatasetMeta = {
    database: opts.database,
    scale: opts.scale,
    seed,
    anchor: new Date(anchor).toISOString(),
    tenantId,
    members,
    receipts: receiptNo,
    lines,
    lots,
    openLots,
    postings: sinks.posting.rows,
    spends,
    richMax,
    pointsOutstanding: outstanding,
    stores: STORE_COUNT,
    skus: SKU_COUNT,
    generateSeconds,
    analyzeSeconds: round((Date.now() - t0) / 1000),
    refundCursor: 1,
    tree: opts.tree,
    ...(opts.migrations ? { migrations: opts.migrations } : {}),
  };
  if (opts.metaFile) {
    mkdirSync(dirname(opts.metaFile), { recursive: true });
    writeFileSync(opts.metaFile, JSON.stringify(meta, null, 2));
  }
  return meta;
}
