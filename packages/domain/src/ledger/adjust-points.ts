import { computeDebtRepayment } from './debt-repayment';
import { createPlanBuilder } from './ledger-plan';
import type { InsufficientPoints, LedgerPlan, Lot, MemberPointsState } from './ledger-types';
import { allocateSpend } from './lot-allocation';

export type AdjustmentInput = {
  /** Signed: positive credits, negative debits. */
  points: number;
  /** The lot a positive adjustment creates; unused for a negative one. */
  lotId: string;
  expiresAt: Date | null;
};

/**
 * Staff corrections. Positive: adjustments -> available as a new, immediately active lot (repaying
 * debt first like any points that become available). Negative: available -> adjustments taken like
 * a spend (same order, respects holds); more than is spendable is `insufficient_points`.
 */
export function planAdjustment(
  state: MemberPointsState,
  input: AdjustmentInput,
  now: Date,
): { ok: true; plan: LedgerPlan } | InsufficientPoints {
  if (!Number.isSafeInteger(input.points)) {
    throw new RangeError(`adjustment points must be a safe integer, got ${input.points}`);
  }
  const plan = createPlanBuilder('adjust');
  if (input.points < 0) {
    const allocation = allocateSpend(state, -input.points, now);
    if (!allocation.ok) return allocation;
    for (const { lotId, points } of allocation.lots) {
      plan.post('available', 'adjustments', points, lotId);
      plan.changeLot(lotId, -points);
    }
    return { ok: true, plan: plan.build() };
  }
  if (input.points === 0) return { ok: true, plan: plan.build() };
  if (state.lots.some((lot) => lot.lotId === input.lotId)) {
    throw new RangeError(`lot ${input.lotId} already exists`);
  }
  const lot: Lot = {
    lotId: input.lotId,
    amount: input.points,
    remaining: input.points,
    bucket: 'available',
    activatesAt: now,
    expiresAt: input.expiresAt,
    createdAt: now,
  };
  plan.post('adjustments', 'available', input.points, lot.lotId);
  const { repaid } = computeDebtRepayment(state.debt, [{ lot, points: input.points }], now);
  plan.addLot({ ...lot, remaining: lot.remaining - repaid });
  return { ok: true, plan: plan.build({ debtDelta: -repaid }) };
}
