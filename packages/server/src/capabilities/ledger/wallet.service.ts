import {
  applyLedgerPlan,
  computeAccountDeltas,
  type Hold,
  type LedgerPlan,
  type Lot,
  type MemberPointsState,
  PROGRAM_ACCOUNTS,
} from '@kopilka/domain/ledger';
import type { DbOrTrx, Trx } from '../../platform/db';
import { WriteBatch } from '../../platform/write-batch';
import * as repo from './ledger.repository';
import type { ForwardReason, LotRow } from './ledger.table';
import {
  queueAccountBalance,
  queueHoldDelete,
  queueLotActivations,
  queueLotChanges,
  queueLotInserts,
} from './ledger-writes';
import * as transferRepo from './wallet-transfer.repository';

export const POINTS = 'points';

export type WalletRef = { tenantId: string; memberId: string; currency: string };

/** One member's accounts in one currency, locked for the rest of the transaction. */
export type Wallet = {
  ref: WalletRef;
  accountIds: { available: string; pending: string };
  balances: { available: number; pending: number };
  state: MemberPointsState;
  programAccounts: Map<string, string>;
  /** receipt id per lot, for history and refunds */
  lotReceipts: Map<string, string | null>;
  /** live holds by the receipt they reserve points for */
  holdsByReceipt: Map<string, string>;
  /**
   * Why the accounts of the member the wallet was opened for forward here (null: they are the
   * wallet). Read under the lock: `merge` means that member was merged, possibly while this
   * transaction waited for the lock.
   */
  forwardedBy: ForwardReason | null;
};

export type PlanContext = {
  operationId: string;
  now: Date;
  receiptId?: string | null;
  reason?: string | null;
  /** history kind override (e.g. 'refund_return' instead of 'return_spend') */
  entryKind?: string;
  /** Queue the writes into the caller's batch (which it flushes) instead of sending them now. */
  batch?: WriteBatch;
};

const programAccountCache = new Map<string, Map<string, string>>();
const insertingTransactions = new WeakSet<Trx>();

async function programAccountsFor(
  trx: Trx,
  tenantId: string,
  currency: string,
): Promise<Map<string, string>> {
  const key = `${tenantId}\u0000${currency}`;
  const cached = programAccountCache.get(key);
  if (cached) return cached;
  const existing = await repo.findProgramAccounts(trx, tenantId, currency);
  if (PROGRAM_ACCOUNTS.every((k) => existing.has(k))) {
    // A transaction sees only committed rows and its own; rows it inserted itself are never
    // cached, since it may still roll back (ids of committed rows never change).
    if (!insertingTransactions.has(trx)) programAccountCache.set(key, existing);
    return existing;
  }
  insertingTransactions.add(trx);
  return repo.ensureProgramAccounts(trx, tenantId, currency, PROGRAM_ACCOUNTS);
}

export function rowToLot(
  row: Pick<LotRow, 'id' | 'amount' | 'remaining' | 'bucket' | 'activates_at' | 'expires_at' | 'created_at'>,
): Lot {
  return {
    lotId: row.id,
    amount: row.amount,
    remaining: row.remaining,
    bucket: row.bucket,
    activatesAt: row.activates_at,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

const MAX_FORWARD_HOPS = 4;

/**
 * Locks the wallet's accounts (creating them on first use) and loads the lots with points left,
 * plus `extraLotIds` (lots a refund must return to even when empty), and the live holds.
 *
 * `ref.memberId` may name a member whose points live elsewhere: a household member's accounts
 * forward to the household wallet, a merged member's to the survivor's. The pointer is read from
 * the rows just locked, so a purchase racing a household join or a merge waits for it and then
 * follows the new pointer (one more indexed lookup, only for such members). Lots named in
 * `extraLotIds` that another member holds (a refund of a receipt whose points moved with a
 * household or a merge) lead to that member's wallet: points go back where the receipt's lots are.
 */
export async function openWallet(
  trx: Trx,
  ref: WalletRef,
  opts: { now: Date; extraLotIds?: readonly string[] },
  followLots = true,
): Promise<Wallet> {
  let memberId = ref.memberId;
  let accounts = await repo.lockMemberAccounts(trx, ref.tenantId, memberId, ref.currency);
  const forwardedBy = accounts.available.forwarded_to ? accounts.available.forward_reason : null;
  for (let hop = 0; accounts.available.forwarded_to; hop++) {
    if (hop >= MAX_FORWARD_HOPS) throw new Error(`wallet of ${ref.memberId} forwards in a loop`);
    memberId = accounts.available.forwarded_to;
    accounts = await repo.lockMemberAccounts(trx, ref.tenantId, memberId, ref.currency);
  }
  const wallet = await loadWallet(trx, { ...ref, memberId }, accounts, opts, forwardedBy);
  const extra = opts.extraLotIds ?? [];
  if (followLots && extra.length > 0) {
    const loaded = new Set(wallet.state.lots.map((l) => l.lotId));
    const elsewhere = extra.find((id) => !loaded.has(id));
    const holder = elsewhere
      ? (await transferRepo.findLotHolder(trx, ref.tenantId, elsewhere))?.member_id
      : undefined;
    if (holder && holder !== memberId) return openWallet(trx, { ...ref, memberId: holder }, opts, false);
  }
  return wallet;
}

/** Locks one member's own accounts, never following a forward (moving a wallet needs the source itself). */
export async function openOwnWallet(trx: Trx, ref: WalletRef, opts: { now: Date }): Promise<Wallet> {
  const accounts = await repo.lockMemberAccounts(trx, ref.tenantId, ref.memberId, ref.currency);
  return loadWallet(trx, ref, accounts, opts);
}

async function loadWallet(
  trx: Trx,
  ref: WalletRef,
  accounts: Awaited<ReturnType<typeof repo.lockMemberAccounts>>,
  opts: { now: Date; extraLotIds?: readonly string[] },
  forwardedBy: ForwardReason | null = null,
): Promise<Wallet> {
  const programAccounts = await programAccountsFor(trx, ref.tenantId, ref.currency);
  const { lots: lotRows, holds: holdRows } = await repo.selectWalletRows(
    trx,
    ref.tenantId,
    ref.memberId,
    ref.currency,
    opts.extraLotIds ?? [],
    opts.now,
  );
  const holds: Hold[] = holdRows.map((h) => ({
    holdId: h.id,
    expiresAt: h.expires_at,
    lots: h.lots as Hold['lots'],
  }));
  return {
    ref,
    accountIds: { available: accounts.available.id, pending: accounts.pending.id },
    balances: { available: accounts.available.balance, pending: accounts.pending.balance },
    state: { lots: lotRows.map(rowToLot), debt: accounts.available.debt, holds },
    programAccounts,
    lotReceipts: new Map(lotRows.map((l) => [l.id, l.receipt_id])),
    holdsByReceipt: new Map(holdRows.filter((h) => h.receipt_id !== null).map((h) => [h.receipt_id!, h.id])),
    forwardedBy,
  };
}

/**
 * The unlocked read of a wallet for previews and balances, following forwards like `openWallet`
 * (the first round trip reads the member's own rows in parallel; only forwarded members need a
 * second one).
 */
export async function readWallet(db: DbOrTrx, ref: WalletRef, now: Date, withHolds = true) {
  let memberId = ref.memberId;
  for (let hop = 0; ; hop++) {
    const [accounts, lots, holds] = await Promise.all([
      repo.findMemberAccounts(db, ref.tenantId, memberId, ref.currency),
      repo.selectLots(db, ref.tenantId, memberId, ref.currency, []),
      withHolds ? repo.selectHolds(db, ref.tenantId, memberId, ref.currency, now) : Promise.resolve([]),
    ]);
    const forward = accounts.find((a) => a.kind === 'available')?.forwarded_to;
    if (!forward || hop >= MAX_FORWARD_HOPS) return { memberId, accounts, lots, holds };
    memberId = forward;
  }
}

/** The member whose accounts hold `ref.memberId`'s points (itself unless forwarded). */
export async function findWalletHolder(db: DbOrTrx, ref: WalletRef): Promise<string> {
  let memberId = ref.memberId;
  for (let hop = 0; hop < MAX_FORWARD_HOPS; hop++) {
    const accounts = await repo.findMemberAccounts(db, ref.tenantId, memberId, ref.currency);
    const forward = accounts.find((a) => a.kind === 'available')?.forwarded_to;
    if (!forward) break;
    memberId = forward;
  }
  return memberId;
}

export function accountIdOf(wallet: Wallet, ref: string): string {
  if (ref === 'available') return wallet.accountIds.available;
  if (ref === 'pending') return wallet.accountIds.pending;
  const id = wallet.programAccounts.get(ref);
  if (!id) throw new Error(`unknown program account ${ref}`);
  return id;
}

/**
 * Writes a plan exactly as the domain computed it: lots, postings, cached balances and the
 * member's history entries, all in the caller's transaction. Returns the wallet after the plan.
 */
export async function applyPlan(
  trx: Trx,
  wallet: Wallet,
  plan: LedgerPlan,
  ctx: PlanContext,
): Promise<Wallet> {
  if (
    plan.postings.length === 0 &&
    plan.newLots.length === 0 &&
    plan.activatedLotIds.length === 0 &&
    plan.lotChanges.length === 0
  ) {
    return wallet;
  }
  const { tenantId, memberId, currency } = wallet.ref;
  const next = applyLedgerPlan(wallet.state, plan);

  // Every write of the plan goes out as one statement (or with the caller's batch).
  const batch = ctx.batch ?? new WriteBatch();
  queueLotInserts(
    batch,
    plan.newLots.map((lot) => ({
      id: lot.lotId,
      tenant_id: tenantId,
      member_id: memberId,
      currency,
      bucket: lot.bucket,
      amount: lot.amount,
      remaining: lot.remaining,
      activates_at: lot.activatesAt,
      expires_at: lot.expiresAt,
      created_at: lot.createdAt,
      operation_id: ctx.operationId,
      receipt_id: ctx.receiptId ?? null,
    })),
  );
  // New lots were inserted with their final remaining; only pre-existing lots get deltas.
  const newLotIds = new Set(plan.newLots.map((l) => l.lotId));
  queueLotChanges(
    batch,
    plan.lotChanges.filter((c) => !newLotIds.has(c.lotId)),
  );
  queueLotActivations(batch, plan.activatedLotIds);
  batch.insert(
    'posting',
    plan.postings.map((p) => ({
      tenant_id: tenantId,
      operation_id: ctx.operationId,
      currency,
      from_account_id: accountIdOf(wallet, p.from),
      to_account_id: accountIdOf(wallet, p.to),
      points: p.points,
      lot_id: p.lotId ?? null,
      member_id: memberId,
    })),
  );

  const deltas = computeAccountDeltas(plan.postings);
  const availableDelta = deltas.get('available') ?? 0;
  const pendingDelta = deltas.get('pending') ?? 0;
  const balances = {
    available: wallet.balances.available + availableDelta,
    pending: wallet.balances.pending + pendingDelta,
  };
  if (availableDelta !== 0 || plan.debtDelta !== 0) {
    queueAccountBalance(batch, wallet.accountIds.available, balances.available, next.debt);
  }
  if (pendingDelta !== 0) queueAccountBalance(batch, wallet.accountIds.pending, balances.pending);
  if (plan.consumedHoldId) queueHoldDelete(batch, plan.consumedHoldId);

  const kind = ctx.entryKind ?? plan.kind;
  const entries: { bucket: string; points: number }[] = [];
  if (plan.kind === 'activate') {
    if (availableDelta !== 0 || pendingDelta !== 0)
      entries.push({ bucket: 'available', points: -pendingDelta });
  } else {
    if (availableDelta !== 0) entries.push({ bucket: 'available', points: availableDelta });
    if (pendingDelta !== 0) entries.push({ bucket: 'pending', points: pendingDelta });
  }
  batch.insert(
    'ledger_entry',
    entries.map((e) => ({
      tenant_id: tenantId,
      member_id: memberId,
      currency,
      operation_id: ctx.operationId,
      kind,
      bucket: e.bucket,
      points: e.points,
      balance_after: balances.available,
      pending_after: balances.pending,
      receipt_id: ctx.receiptId ?? null,
      reason: ctx.reason ?? null,
      at: ctx.now,
    })),
  );
  if (!ctx.batch) await batch.flush(trx);

  const lotReceipts = new Map(wallet.lotReceipts);
  for (const lot of plan.newLots) lotReceipts.set(lot.lotId, ctx.receiptId ?? null);
  return { ...wallet, state: next, balances, lotReceipts };
}
