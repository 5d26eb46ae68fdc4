import {
  computeBalance,
  type LotPoints,
  type MemberPointsState,
  placeHold,
  planAccrual,
  planAdjustment,
  planRevocation,
  planSpend,
  planSpendReturn,
  type RefundPolicy,
} from '@kopilka/domain/ledger';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { decodeCursor, encodeCursor } from '../../platform/schemas';
import * as repo from './ledger.repository';
import {
  applyPlan,
  findWalletHolder,
  openWallet,
  type PlanContext,
  POINTS,
  readWallet,
  rowToLot,
  type Wallet,
  type WalletRef,
} from './wallet.service';

export type BalanceView = {
  available: number;
  pending: number;
  expiring: { points: number; expiresAt: string }[];
};

export function walletBalance(wallet: Wallet, now: Date): BalanceView {
  return stateBalance(wallet.state, now);
}

export function stateBalance(state: MemberPointsState, now: Date): BalanceView {
  const b = computeBalance(state.lots, state.debt, now);
  return {
    available: b.available,
    pending: b.pending,
    expiring: b.expiring.map((e) => ({ points: e.points, expiresAt: e.expiresAt.toISOString() })),
  };
}

/**
 * Read-only balance (no locks): what the member may spend now, pending points, and what expires
 * when. A household member sees the household's shared wallet, a merged member the survivor's.
 */
export async function getBalance(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  now: Date,
  currency = POINTS,
): Promise<BalanceView> {
  const { accounts, lots } = await readWallet(db, { tenantId, memberId, currency }, now, false);
  const debt = accounts.find((a) => a.kind === 'available')?.debt ?? 0;
  const b = computeBalance(lots.map(rowToLot), debt, now);
  return {
    available: b.available,
    pending: b.pending,
    expiring: b.expiring.map((e) => ({ points: e.points, expiresAt: e.expiresAt.toISOString() })),
  };
}

/** A ledger operation that no client keyed (jobs, internal transfers): still one `operation` row. */
export async function createInternalOperation(trx: Trx, tenantId: string, scope: string): Promise<string> {
  const id = newId('op');
  await trx
    .insertInto('operation')
    .values({
      id,
      tenant_id: tenantId,
      scope,
      key: id,
      request_hash: '',
      response_status: 200,
      response_body: null,
    })
    .execute();
  return id;
}

export type AdjustmentInput = { points: number; reason: string; expiresAt: Date | null };

export async function adjustPoints(
  trx: Trx,
  ref: WalletRef,
  input: AdjustmentInput,
  ctx: { operationId: string; now: Date },
): Promise<BalanceView> {
  const wallet = await openWallet(trx, ref, { now: ctx.now });
  const planned = planAdjustment(
    wallet.state,
    { points: input.points, lotId: newId('lot'), expiresAt: input.expiresAt },
    ctx.now,
  );
  if (!planned.ok) {
    throw new AppError(
      'insufficient_points',
      `The member has ${planned.available} points available; cannot take ${-input.points}.`,
      {
        available: planned.available,
      },
    );
  }
  const after = await applyPlan(trx, wallet, planned.plan, {
    operationId: ctx.operationId,
    now: ctx.now,
    reason: input.reason,
  });
  return walletBalance(after, ctx.now);
}

export type HistoryEntry = {
  entryId: string;
  at: string;
  kind: string;
  points: number;
  balanceAfter: number;
  pendingAfter: number;
  bucket: string;
  receiptId?: string;
  reason?: string;
};

const isEntryCursor = (v: unknown): v is number => Number.isSafeInteger(v);

export async function listHistory(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  opts: { limit: number; cursor?: string | undefined; currency?: string },
): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
  const before = decodeCursor(opts.cursor, isEntryCursor);
  const currency = opts.currency ?? POINTS;
  // A household member sees their own entries and the shared wallet's (where their points live).
  const holder = await findWalletHolder(db, { tenantId, memberId, currency });
  let q = db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', holder === memberId ? [memberId] : [memberId, holder])
    .where('currency', '=', currency)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (before !== undefined) q = q.where('id', '<', before);
  const rows = await q.execute();
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map((r) => ({
      entryId: `led_${r.id}`,
      at: r.at.toISOString(),
      kind: r.kind,
      points: r.points,
      balanceAfter: r.balance_after,
      pendingAfter: r.pending_after,
      bucket: r.bucket,
      ...(r.receipt_id ? { receiptId: r.receipt_id } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    nextCursor: rows.length > opts.limit ? encodeCursor(page[page.length - 1]!.id) : null,
  };
}

export type { RefundPolicy };

// Use cases the receipts capability composes inside its confirm / refund transactions. Each takes
// an already-open wallet (the member's accounts locked) and returns the wallet after the change.

export async function accrueToWallet(
  trx: Trx,
  wallet: Wallet,
  input: { points: number; activatesAt: Date; expiresAt: Date | null },
  ctx: PlanContext,
): Promise<{ wallet: Wallet; lotId: string | null }> {
  if (input.points === 0) return { wallet, lotId: null };
  const lotId = newId('lot');
  const plan = planAccrual(
    wallet.state,
    { lotId, points: input.points, activatesAt: input.activatesAt, expiresAt: input.expiresAt },
    ctx.now,
  );
  return { wallet: await applyPlan(trx, wallet, plan, ctx), lotId };
}

export async function spendFromWallet(
  trx: Trx,
  wallet: Wallet,
  input: { points: number; holdId?: string },
  ctx: PlanContext,
): Promise<{ ok: true; wallet: Wallet; allocation: LotPoints[] } | { ok: false; available: number }> {
  if (input.points === 0) return { ok: true, wallet, allocation: [] };
  const result = planSpend(
    wallet.state,
    input.holdId ? { points: input.points, holdId: input.holdId } : { points: input.points },
    ctx.now,
  );
  if (!result.ok) return { ok: false, available: result.available };
  return { ok: true, wallet: await applyPlan(trx, wallet, result.plan, ctx), allocation: result.allocation };
}

export async function returnToWallet(
  trx: Trx,
  wallet: Wallet,
  lots: readonly LotPoints[],
  ctx: PlanContext,
): Promise<Wallet> {
  const nonEmpty = lots.filter((l) => l.points > 0);
  if (nonEmpty.length === 0) return wallet;
  return applyPlan(trx, wallet, planSpendReturn(wallet.state, { lots: nonEmpty }, ctx.now), ctx);
}

export async function revokeFromWallet(
  trx: Trx,
  wallet: Wallet,
  input: { lotId: string; points: number; policy: RefundPolicy },
  ctx: PlanContext,
): Promise<{ wallet: Wallet; pointsWrittenOff: number }> {
  if (input.points === 0) return { wallet, pointsWrittenOff: 0 };
  const expiredAccountId = wallet.programAccounts.get('expired');
  const expiredFromLot = expiredAccountId
    ? await repo.sumExpiredFromLot(trx, input.lotId, expiredAccountId)
    : 0;
  const plan = planRevocation(wallet.state, { ...input, expiredFromLot }, ctx.now);
  return { wallet: await applyPlan(trx, wallet, plan, ctx), pointsWrittenOff: plan.pointsWrittenOff };
}

export const DEFAULT_HOLD_TTL_MS = 5 * 60_000;

/**
 * Reserves points for a receipt until it is confirmed or the TTL lapses (two-phase, like a card
 * authorisation). A new reservation for the same receipt replaces the old one. Lapsed holds are
 * ignored by every calculation; a job deletes them later.
 */
export async function holdForReceipt(
  trx: Trx,
  wallet: Wallet,
  input: { receiptId: string; points: number; ttlMs?: number },
  now: Date,
): Promise<
  | { ok: true; hold: { holdId: string; points: number; expiresAt: string } | null; wallet: Wallet }
  | { ok: false; available: number }
> {
  const previous = wallet.holdsByReceipt.get(input.receiptId);
  let state = wallet.state;
  if (previous) {
    await repo.deleteHold(trx, previous);
    state = { ...state, holds: (state.holds ?? []).filter((h) => h.holdId !== previous) };
  }
  const holdsByReceipt = new Map(wallet.holdsByReceipt);
  holdsByReceipt.delete(input.receiptId);
  if (input.points === 0) return { ok: true, hold: null, wallet: { ...wallet, state, holdsByReceipt } };
  const holdId = newId('hld');
  const expiresAt = new Date(now.getTime() + (input.ttlMs ?? DEFAULT_HOLD_TTL_MS));
  const placed = placeHold(state, { holdId, points: input.points, expiresAt }, now);
  if (!placed.ok) return { ok: false, available: placed.available };
  await trx
    .insertInto('points_hold')
    .values({
      id: holdId,
      tenant_id: wallet.ref.tenantId,
      member_id: wallet.ref.memberId,
      currency: wallet.ref.currency,
      points: input.points,
      lots: sql`${JSON.stringify(placed.hold.lots)}::jsonb`,
      receipt_id: input.receiptId,
      expires_at: expiresAt,
    })
    .execute();
  holdsByReceipt.set(input.receiptId, holdId);
  return {
    ok: true,
    hold: { holdId, points: input.points, expiresAt: expiresAt.toISOString() },
    wallet: { ...wallet, state: { ...state, holds: [...(state.holds ?? []), placed.hold] }, holdsByReceipt },
  };
}

/** Releases a receipt's reservation before it lapses (the sale was abandoned). */
export async function releaseReceiptHolds(db: DbOrTrx, tenantId: string, receiptId: string): Promise<number> {
  const r = await db
    .deleteFrom('points_hold')
    .where('tenant_id', '=', tenantId)
    .where('receipt_id', '=', receiptId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
