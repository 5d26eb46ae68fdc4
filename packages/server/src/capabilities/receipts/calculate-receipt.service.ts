import { computeSpendablePoints, type MemberPointsState } from '@kopilka/domain/ledger';
import { type Db, type DbOrTrx, inTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { holdForReceipt, stateBalance, walletBalance } from '../ledger/ledger.service';
import { POINTS, readWallet, rowToLot } from '../ledger/wallet.service';
import {
  loadPricingInputs,
  loadProgramFor,
  occurredAtOf,
  openReceiptWallet,
  type ResolvedMember,
  resolveReceiptMember,
  runCalculation,
} from './receipt-context.service';
import { calculationView } from './receipt-view';
import type { ReceiptBodyInput, ReceiptViewType } from './receipts.schemas';

/** The member's points state without locks, for a preview (a confirm re-reads it under a lock). */
async function readPointsState(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  now: Date,
): Promise<{ state: MemberPointsState; ownHoldId?: string; receiptHolds: Map<string, string> }> {
  // A household member's points live in the shared wallet: readWallet follows the forward.
  const { lots, accounts, holds } = await readWallet(db, { tenantId, memberId, currency: POINTS }, now);
  return {
    state: {
      lots: lots.map(rowToLot),
      debt: accounts.find((a) => a.kind === 'available')?.debt ?? 0,
      holds: holds.map((h) => ({
        holdId: h.id,
        expiresAt: h.expires_at,
        lots: h.lots as { lotId: string; points: number }[],
      })),
    },
    receiptHolds: new Map(holds.filter((h) => h.receipt_id).map((h) => [h.receipt_id!, h.id])),
  };
}

/**
 * POST /v1/receipts/calculate: prices the receipt and applies pointsToSpend up to the cap. Writes
 * nothing — unless `reservePoints` asks to hold the points it would spend for a few minutes, so
 * that the confirm of this receipt cannot fail for a spend made elsewhere meanwhile.
 */
export async function calculateReceiptPreview(
  db: Db,
  tenantId: string,
  body: ReceiptBodyInput,
  now: Date,
): Promise<ReceiptViewType> {
  const occurredAt = occurredAtOf(body, now);
  const { program } = await loadProgramFor(db, tenantId, occurredAt, now);
  const member = await resolveReceiptMember(db, tenantId, body, now);
  if (body.reservePoints && member?.canSpend && (body.pointsToSpend ?? 0) > 0) {
    return inTransaction(db, (trx) =>
      calculateAndReserve(trx, tenantId, body, member, program, occurredAt, now),
    );
  }
  const memberId = member?.memberId ?? null;
  const [{ campaigns, tier }, points] = await Promise.all([
    loadPricingInputs(db, tenantId, member?.canEarn ? memberId : null, occurredAt, body.coupons ?? []),
    memberId ? readPointsState(db, tenantId, memberId, now) : Promise.resolve(null),
  ]);
  const ownHold = points?.receiptHolds.get(body.receiptId);
  const availablePoints = points
    ? computeSpendablePoints(points.state, now, ownHold ? { holdId: ownHold } : {})
    : 0;
  const calc = runCalculation({ body, occurredAt, member, availablePoints, tier, program, campaigns, now });
  const balance = points ? walletBalanceOf(points.state, now) : null;
  return calculationView(calc, 'calculated', {
    memberId,
    storeId: body.storeId ?? null,
    terminalId: body.terminalId ?? null,
    balance,
    earns: Boolean(member?.canEarn),
  });
}

function walletBalanceOf(state: MemberPointsState, now: Date) {
  const b = stateBalance(state, now);
  return { available: b.available, pending: b.pending };
}

async function calculateAndReserve(
  trx: Parameters<Parameters<typeof inTransaction>[1]>[0],
  tenantId: string,
  body: ReceiptBodyInput,
  resolved: ResolvedMember,
  program: Awaited<ReturnType<typeof loadProgramFor>>['program'],
  occurredAt: Date,
  now: Date,
): Promise<ReceiptViewType> {
  const { member, wallet } = await openReceiptWallet(trx, tenantId, body, resolved, now);
  const ownHold = wallet.holdsByReceipt.get(body.receiptId);
  const available = computeSpendablePoints(wallet.state, now, ownHold ? { holdId: ownHold } : {});
  const { campaigns, tier } = await loadPricingInputs(
    trx,
    tenantId,
    member.canEarn ? member.memberId : null,
    occurredAt,
    body.coupons ?? [],
  );
  const calc = runCalculation({
    body,
    occurredAt,
    member,
    availablePoints: available,
    tier,
    program,
    campaigns,
    now,
  });
  const held = await holdForReceipt(
    trx,
    wallet,
    { receiptId: body.receiptId, points: calc.totals.pointsSpent },
    now,
  );
  if (!held.ok)
    throw new AppError('insufficient_points', `The member has ${held.available} points available.`, {
      available: held.available,
    });
  const b = walletBalance(held.wallet, now);
  return {
    ...calculationView(calc, 'calculated', {
      memberId: member.memberId,
      storeId: body.storeId ?? null,
      terminalId: body.terminalId ?? null,
      balance: { available: b.available, pending: b.pending },
      earns: member.canEarn,
    }),
    hold: held.hold,
  };
}
