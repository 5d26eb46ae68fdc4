import {
  applyLedgerPlan,
  computeAccountDeltas,
  type MemberPointsState,
  PROGRAM_ACCOUNTS,
  planAccrual,
} from '@kopilka/domain/ledger';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { Trx } from '../../platform/db';
import { newId } from '../../platform/ids';
import * as repo from './ledger.repository';
import { MEMBER_ACCOUNT_KINDS } from './ledger.repository';
import { accrueToWallet } from './ledger.service';
import type { LedgerEntryTable, LotTable, PostingTable } from './ledger.table';
import { openWallet } from './wallet.service';

// Crediting many members in one transaction (balance import): the same plan as one accrual through
// openWallet + planAccrual + applyPlan — issued -> available (or pending until activatesAt), a lot
// with the expiry, debt repaid first, cached balances and history entries — but written with a
// handful of set-based statements per batch instead of ~10 round trips per row.

export type BulkAccrual = {
  operationId: string;
  memberId: string;
  currency: string;
  points: number;
  activatesAt: Date;
  expiresAt: Date | null;
  reason: string | null;
};

export type BulkAccrualContext = { now: Date; entryKind: string };

type MemberAccounts = {
  available: { id: string; balance: number; debt: number };
  pending: { id: string; balance: number };
};

const pairKey = (memberId: string, currency: string) => `${memberId}\u0000${currency}`;

/**
 * Posts every accrual, in the given order, and returns the lot id each one created. Locks the
 * members' accounts in (member, currency, kind) order — the order every other ledger write takes
 * for several members — creating missing accounts first. A member whose accounts forward to
 * another wallet (household pooling, merged duplicate) is credited through `openWallet`, which
 * follows the forward, after the bulk rows are written.
 */
export async function accrueInBulk(
  trx: Trx,
  tenantId: string,
  accruals: readonly BulkAccrual[],
  ctx: BulkAccrualContext,
): Promise<string[]> {
  if (accruals.length === 0) return [];
  const currencies = [...new Set(accruals.map((a) => a.currency))];
  const programAccounts = new Map<string, Map<string, string>>();
  for (const currency of currencies) {
    programAccounts.set(
      currency,
      await repo.ensureProgramAccounts(trx, tenantId, currency, PROGRAM_ACCOUNTS),
    );
  }
  const accounts = await lockAccounts(trx, tenantId, accruals);

  const lotIds: string[] = [];
  const lots: Insertable<LotTable>[] = [];
  const postings: Insertable<PostingTable>[] = [];
  const entries: Insertable<LedgerEntryTable>[] = [];
  const states = new Map<string, MemberPointsState>();
  const touched = new Set<string>();
  const forwarded: { index: number; accrual: BulkAccrual }[] = [];

  for (const [index, a] of accruals.entries()) {
    const key = pairKey(a.memberId, a.currency);
    const acc = accounts.get(key);
    if (acc === undefined) {
      forwarded.push({ index, accrual: a });
      lotIds.push('');
      continue;
    }
    const state = states.get(key) ?? { lots: [], debt: acc.available.debt };
    const lotId = newId('lot');
    const plan = planAccrual(
      state,
      { lotId, points: a.points, activatesAt: a.activatesAt, expiresAt: a.expiresAt },
      ctx.now,
    );
    // Only debt matters to the next accrual of this member: keep no lots in memory.
    states.set(key, { lots: [], debt: applyLedgerPlan(state, plan).debt });
    const program = programAccounts.get(a.currency)!;
    const accountId = (ref: string) =>
      ref === 'available'
        ? acc.available.id
        : ref === 'pending'
          ? acc.pending.id
          : (program.get(ref) ?? fail(`program account ${ref} missing`));
    for (const lot of plan.newLots) {
      lots.push({
        id: lot.lotId,
        tenant_id: tenantId,
        member_id: a.memberId,
        currency: a.currency,
        bucket: lot.bucket,
        amount: lot.amount,
        remaining: lot.remaining,
        activates_at: lot.activatesAt,
        expires_at: lot.expiresAt,
        created_at: lot.createdAt,
        operation_id: a.operationId,
        receipt_id: null,
      });
    }
    for (const p of plan.postings) {
      postings.push({
        tenant_id: tenantId,
        operation_id: a.operationId,
        currency: a.currency,
        from_account_id: accountId(p.from),
        to_account_id: accountId(p.to),
        points: p.points,
        lot_id: p.lotId ?? null,
        member_id: a.memberId,
      });
    }
    const deltas = computeAccountDeltas(plan.postings);
    const availableDelta = deltas.get('available') ?? 0;
    const pendingDelta = deltas.get('pending') ?? 0;
    acc.available.balance += availableDelta;
    acc.available.debt += plan.debtDelta;
    acc.pending.balance += pendingDelta;
    touched.add(key);
    const entry = (bucket: string, points: number) =>
      entries.push({
        tenant_id: tenantId,
        member_id: a.memberId,
        currency: a.currency,
        operation_id: a.operationId,
        kind: ctx.entryKind,
        bucket,
        points,
        balance_after: acc.available.balance,
        pending_after: acc.pending.balance,
        receipt_id: null,
        reason: a.reason,
        at: ctx.now,
      });
    if (availableDelta !== 0) entry('available', availableDelta);
    if (pendingDelta !== 0) entry('pending', pendingDelta);
    lotIds.push(lotId);
  }

  for (const part of chunks(lots, 2000)) await repo.insertLots(trx, part);
  for (const part of chunks(postings, 2000)) await repo.insertPostings(trx, part);
  for (const part of chunks(entries, 2000)) await repo.insertEntries(trx, part);
  const balances = [...touched].flatMap((key) => {
    const acc = accounts.get(key)!;
    return [
      sql`(${acc.available.id}::text, ${acc.available.balance}::bigint, ${acc.available.debt}::bigint)`,
      sql`(${acc.pending.id}::text, ${acc.pending.balance}::bigint, null::bigint)`,
    ];
  });
  for (const part of chunks(balances, 4000)) {
    await sql`
      update account set balance = v.balance, debt = coalesce(v.debt, account.debt)
      from (values ${sql.join(part)}) as v(id, balance, debt)
      where account.id = v.id`.execute(trx);
  }

  // After the bulk rows: a forwarded wallet may be one this batch just credited directly.
  for (const { index, accrual: a } of forwarded) {
    const wallet = await openWallet(
      trx,
      { tenantId, memberId: a.memberId, currency: a.currency },
      { now: ctx.now },
    );
    const { lotId } = await accrueToWallet(
      trx,
      wallet,
      { points: a.points, activatesAt: a.activatesAt, expiresAt: a.expiresAt },
      { operationId: a.operationId, now: ctx.now, reason: a.reason, entryKind: ctx.entryKind },
    );
    lotIds[index] = lotId ?? '';
  }
  return lotIds;
}

/**
 * Creates the accounts members do not have yet, then locks them all in one statement. Members
 * whose accounts forward elsewhere are left out of the map (the caller credits them through
 * openWallet). `forwarded_to` is read from the row as a whole, so this works with or without the
 * household pooling columns.
 */
async function lockAccounts(
  trx: Trx,
  tenantId: string,
  accruals: readonly BulkAccrual[],
): Promise<Map<string, MemberAccounts>> {
  const pairs = new Map<string, { memberId: string; currency: string }>();
  for (const a of accruals) pairs.set(pairKey(a.memberId, a.currency), a);
  const sorted = [...pairs.values()].sort((x, y) =>
    x.memberId === y.memberId ? cmp(x.currency, y.currency) : cmp(x.memberId, y.memberId),
  );
  for (const part of chunks(sorted, 2000)) {
    await trx
      .insertInto('account')
      .values(
        part.flatMap((p) =>
          MEMBER_ACCOUNT_KINDS.map((kind) => ({
            id: newId('acc'),
            tenant_id: tenantId,
            member_id: p.memberId,
            currency: p.currency,
            kind,
          })),
        ),
      )
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'member_id', 'currency', 'kind'])
          .where('member_id', 'is not', null)
          .doNothing(),
      )
      .execute();
  }
  const memberIds = [...new Set(sorted.map((p) => p.memberId))];
  const currencies = [...new Set(sorted.map((p) => p.currency))];
  const rows = await trx
    .selectFrom('account')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', memberIds)
    .where('currency', 'in', currencies)
    .orderBy('member_id')
    .orderBy('currency')
    .orderBy('kind')
    .forUpdate()
    .execute();
  const byPair = new Map<string, MemberAccounts>();
  const forwarded = new Set<string>();
  const partial = new Map<string, Partial<MemberAccounts>>();
  for (const r of rows) {
    const key = pairKey(r.member_id!, r.currency);
    if ((r as Record<string, unknown>).forwarded_to) forwarded.add(key);
    const p = partial.get(key) ?? {};
    if (r.kind === 'available') p.available = { id: r.id, balance: Number(r.balance), debt: Number(r.debt) };
    if (r.kind === 'pending') p.pending = { id: r.id, balance: Number(r.balance) };
    partial.set(key, p);
  }
  for (const [key, p] of partial) {
    if (forwarded.has(key) || !pairs.has(key)) continue;
    if (!p.available || !p.pending) throw new Error(`member accounts missing for ${key}`);
    byPair.set(key, { available: p.available, pending: p.pending });
  }
  return byPair;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function fail(message: string): never {
  throw new Error(message);
}
