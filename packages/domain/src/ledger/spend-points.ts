import { createPlanBuilder } from './ledger-plan';
import type { InsufficientPoints, LedgerPlan, LotPoints, MemberPointsState } from './ledger-types';
import { allocateSpend } from './lot-allocation';

export type SpendResult = { ok: true; plan: LedgerPlan; allocation: LotPoints[] } | InsufficientPoints;

/**
 * available -> redeemed, one posting per lot taken. The caller keeps `allocation` (it is also in
 * the postings' lotIds) so that a refund can give the points back to the same lots.
 * With `holdId` the spend confirms that hold and consumes it.
 */
export function planSpend(
  state: MemberPointsState,
  input: { points: number; holdId?: string },
  now: Date,
): SpendResult {
  const allocation = allocateSpend(state, input.points, now, { holdId: input.holdId });
  if (!allocation.ok) return allocation;
  const plan = createPlanBuilder('spend');
  for (const { lotId, points } of allocation.lots) {
    plan.post('available', 'redeemed', points, lotId);
    plan.changeLot(lotId, -points);
  }
  const consumedHoldId = state.holds?.some((hold) => hold.holdId === input.holdId) ? input.holdId : undefined;
  return {
    ok: true,
    plan: plan.build({ consumedHoldId: consumedHoldId ?? null }),
    allocation: allocation.lots,
  };
}
