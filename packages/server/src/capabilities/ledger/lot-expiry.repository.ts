import type { Db, Trx } from '../../platform/db';
import { executeSql, sqlStatement } from '../../platform/sql-statement';

// Set-based expiry (ledger.jobs.ts): a batch of members is locked, read and written with a fixed
// number of statements whatever its size; the rows travel as arrays (`unnest`), so a statement's
// parameter count does not grow with the batch.

export type WalletKey = { tenant_id: string; member_id: string; currency: string };

/** Where the previous batch stopped in the due lots, ordered by (expires_at, id). */
export type DueCursor = { expiresAt: Date; lotId: string } | null;

/**
 * The next members with due lots (no locks), at most `limit`, walking the expiry index in
 * (expires_at, id) order from `cursor`. Every lot before the returned cursor belongs to a member
 * of this or an earlier batch, and a batch expires all of its members' due lots, so the walk never
 * returns to lots already done (nor to the dead index entries they leave behind).
 */
export async function findMembersWithDueLots(
  db: Db,
  at: Date,
  limit: number,
  cursor: DueCursor,
): Promise<{ wallets: WalletKey[]; cursor: DueCursor }> {
  const r = await executeSql<WalletKey & { expires_at: Date; id: string }>(
    db,
    `select tenant_id, member_id, currency, expires_at, id from lot
     where remaining > 0 and bucket = 'available' and expires_at <= $1
       ${cursor ? 'and expires_at >= $3 and (expires_at, id) > ($3, $4)' : ''}
     order by expires_at, id
     limit $2`,
    cursor ? [at, limit * 4, cursor.expiresAt, cursor.lotId] : [at, limit * 4],
  );
  const wallets = new Map<string, WalletKey>();
  let last: DueCursor = cursor;
  for (const row of r.rows) {
    const key = `${row.tenant_id}/${row.member_id}/${row.currency}`;
    if (!wallets.has(key)) {
      if (wallets.size === limit) break;
      wallets.set(key, { tenant_id: row.tenant_id, member_id: row.member_id, currency: row.currency });
    }
    last = { expiresAt: row.expires_at, lotId: row.id };
  }
  return { wallets: [...wallets.values()], cursor: last };
}

export type LockedAccount = WalletKey & { id: string; kind: string; balance: number };

// Locks are taken in (tenant, member, currency, kind) order, as everywhere else (ledger.repository.ts),
// so a batch and a purchase or transfer cannot wait on each other in a cycle.
const LOCK_ACCOUNTS = sqlStatement<LockedAccount>(
  `select a.id, a.tenant_id, a.member_id, a.currency, a.kind, a.balance
   from account a join unnest($1::text[], $2::text[], $3::text[]) as w(tenant_id, member_id, currency)
     on a.tenant_id = w.tenant_id and a.member_id = w.member_id and a.currency = w.currency
   where a.kind in ('available', 'pending')
   order by a.tenant_id collate "C", a.member_id collate "C", a.currency collate "C", a.kind collate "C"
   for update of a`,
);

export function lockWallets(trx: Trx, wallets: readonly WalletKey[]): Promise<LockedAccount[]> {
  return LOCK_ACCOUNTS.rows(trx, [
    wallets.map((w) => w.tenant_id),
    wallets.map((w) => w.member_id),
    wallets.map((w) => w.currency),
  ]);
}

export type DueLotRow = WalletKey & {
  id: string;
  bucket: 'available' | 'pending';
  amount: number;
  remaining: number;
  activates_at: Date;
  expires_at: Date | null;
  created_at: Date;
};

// Read after the lock (a new statement, so a fresh snapshot): what other writers left is what expires.
const DUE_LOTS = sqlStatement<DueLotRow>(
  `select l.id, l.tenant_id, l.member_id, l.currency, l.bucket, l.amount, l.remaining, l.activates_at, l.expires_at, l.created_at
   from lot l join unnest($1::text[], $2::text[], $3::text[]) as w(tenant_id, member_id, currency)
     on l.tenant_id = w.tenant_id and l.member_id = w.member_id and l.currency = w.currency
   where l.remaining > 0 and l.bucket = 'available' and l.expires_at <= $4
   order by l.id`,
);

export function selectDueLots(trx: Trx, wallets: readonly WalletKey[], at: Date): Promise<DueLotRow[]> {
  return DUE_LOTS.rows(trx, [
    wallets.map((w) => w.tenant_id),
    wallets.map((w) => w.member_id),
    wallets.map((w) => w.currency),
    at,
  ]);
}

export type ExpiryWrites = {
  operations: { id: string; tenantId: string }[];
  lotChanges: { lotId: string; delta: number }[];
  postings: {
    tenantId: string;
    operationId: string;
    currency: string;
    from: string;
    to: string;
    points: number;
    lotId: string;
    memberId: string;
  }[];
  balances: { accountId: string; balance: number }[];
  entries: {
    tenantId: string;
    memberId: string;
    currency: string;
    operationId: string;
    points: number;
    balanceAfter: number;
    pendingAfter: number;
  }[];
};

// One statement for the whole batch: an operation per member, the lots' remaining, postings
// available -> expired, cached balances and one history entry per member. Postings and entries are
// inserted in array order, so their serial ids follow the members' order.
const WRITE_EXPIRY = `
  with ops as (
    insert into operation (id, tenant_id, scope, key, request_hash, response_status, response_body)
    select o.id, o.tenant_id, 'job:expire', o.id, '', 200, null from unnest($1::text[], $2::text[]) as o(id, tenant_id)),
  lots as (
    update lot set remaining = lot.remaining + v.delta
    from unnest($3::text[], $4::bigint[]) as v(id, delta) where lot.id = v.id),
  posts as (
    insert into posting (tenant_id, operation_id, currency, from_account_id, to_account_id, points, lot_id, member_id)
    select * from unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[])),
  accounts as (
    update account set balance = v.balance
    from unnest($13::text[], $14::bigint[]) as v(id, balance) where account.id = v.id),
  entries as (
    insert into ledger_entry (tenant_id, member_id, currency, operation_id, kind, bucket, points, balance_after, pending_after, receipt_id, reason, at)
    select e.tenant_id, e.member_id, e.currency, e.operation_id, 'expire', 'available', e.points, e.balance_after, e.pending_after, null, null, $22
    from unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[], $20::bigint[], $21::bigint[])
      as e(tenant_id, member_id, currency, operation_id, points, balance_after, pending_after))
  select 1`;

export async function writeExpiry(trx: Trx, w: ExpiryWrites, at: Date): Promise<void> {
  await executeSql(trx, WRITE_EXPIRY, [
    w.operations.map((o) => o.id),
    w.operations.map((o) => o.tenantId),
    w.lotChanges.map((c) => c.lotId),
    w.lotChanges.map((c) => c.delta),
    w.postings.map((p) => p.tenantId),
    w.postings.map((p) => p.operationId),
    w.postings.map((p) => p.currency),
    w.postings.map((p) => p.from),
    w.postings.map((p) => p.to),
    w.postings.map((p) => p.points),
    w.postings.map((p) => p.lotId),
    w.postings.map((p) => p.memberId),
    w.balances.map((b) => b.accountId),
    w.balances.map((b) => b.balance),
    w.entries.map((e) => e.tenantId),
    w.entries.map((e) => e.memberId),
    w.entries.map((e) => e.currency),
    w.entries.map((e) => e.operationId),
    w.entries.map((e) => e.points),
    w.entries.map((e) => e.balanceAfter),
    w.entries.map((e) => e.pendingAfter),
    at,
  ]);
}
