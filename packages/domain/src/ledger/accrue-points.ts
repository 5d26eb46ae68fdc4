import { computeDebtRepayment } from './debt-repayment';
import { createPlanBuilder } from './ledger-plan';
import { assertPoints } from './ledger-points';
import type { LedgerPlan, Lot, MemberPointsState } from './ledger-types';

export type AccrualInput = {
  lotId: string;
  points: number;
  /** At or before `now`: the points are available at once; later: pending until activation. */
  activatesAt: Date;
  expiresAt: Date | null;
};

/**
 * Earned points become a new lot: issued -> pending, or issued -> available when already active.
 * Points that become available repay debt first (see debt-repayment.ts); the lot keeps its full
 * `amount` so that a later revocation knows what was earned, while `remaining` is what is left.
 * Zero points plan nothing (no empty lot).
 */
export function planAccrual(state: MemberPointsState, input: AccrualInput, now: Date): LedgerPlan {
  assertPoints(input.points, 'accrual points');
  const plan = createPlanBuilder('accrue');
  if (input.points === 0) return plan.build();
  if (state.lots.some((lot) => lot.lotId === input.lotId)) {
    throw new RangeError(`lot ${input.lotId} already exists`);
  }
  const bucket = input.activatesAt.getTime() <= now.getTime() ? 'available' : 'pending';
  const lot: Lot = {
    lotId: input.lotId,
    amount: input.points,
    remaining: input.points,
    bucket,
    activatesAt: input.activatesAt,
    expiresAt: input.expiresAt,
    createdAt: now,
  };
  plan.post('issued', bucket, input.points, lot.lotId);
  const repayment =
    bucket === 'available'
      ? computeDebtRepayment(state.debt, [{ lot, points: input.points }], now)
      : undefined;
  const repaid = repayment?.repaid ?? 0;
  plan.addLot({ ...lot, remaining: lot.remaining - repaid });
  return plan.build({ debtDelta: -repaid });
}
