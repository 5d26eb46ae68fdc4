import { computeDebtRepayment } from './debt-repayment';
import { createPlanBuilder } from './ledger-plan';
import { assertPoints } from './ledger-points';
import type { LedgerPlan, LotPoints, MemberPointsState } from './ledger-types';
import { findLotOrThrow } from './lot-order';

/**
 * redeemed -> available, back to the lots a spend took (keeping their expiry), as given by `lots`
 * (the spend's allocation, or `allocateSpendReturn` for a partial return). Points returned to a lot
 * past its expiry stay in it until the expiry job takes them. A member in debt repays it first from
 * the returned points, so the lots get back less than the spend took (see debt-repayment.ts).
 */
export function planSpendReturn(
  state: MemberPointsState,
  input: { lots: readonly LotPoints[] },
  now: Date,
): LedgerPlan {
  const plan = createPlanBuilder('return_spend');
  const gains = new Map<string, number>();
  for (const { lotId, points } of input.lots) {
    assertPoints(points, 'returned points');
    gains.set(lotId, (gains.get(lotId) ?? 0) + points);
  }
  const lots = [...gains].map(([lotId, points]) => {
    const lot = findLotOrThrow(state.lots, lotId);
    if (lot.bucket !== 'available') throw new RangeError(`lot ${lotId} was never spendable`);
    if (lot.remaining + points > lot.amount) {
      throw new RangeError(`lot ${lotId}: returning ${points} would exceed its amount`);
    }
    return { lot, points };
  });
  for (const { lot, points } of lots) {
    plan.post('redeemed', 'available', points, lot.lotId);
    plan.changeLot(lot.lotId, points);
  }
  const repayment = computeDebtRepayment(state.debt, lots, now);
  for (const { lotId, points } of repayment.lots) plan.changeLot(lotId, -points);
  return plan.build({ debtDelta: -repayment.repaid });
}
