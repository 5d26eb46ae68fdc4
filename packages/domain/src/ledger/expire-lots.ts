import { createPlanBuilder } from './ledger-plan';
import type { LedgerPlan, MemberPointsState } from './ledger-types';
import { isLotPastExpiry } from './lot-order';

/**
 * The expiry job: the remaining points of every lot past its expiry go to `expired` (from the
 * bucket they are in, so a lot whose activation lagged past its expiry still expires). Only
 * `remaining` expires, never what was spent. Idempotent per lot: an expired lot has nothing left,
 * and points returned to it later are expired by the next run. `lotIds` limits one batch.
 */
export function planExpiry(
  state: MemberPointsState,
  now: Date,
  options: { lotIds?: readonly string[] } = {},
): LedgerPlan {
  const wanted = options.lotIds === undefined ? undefined : new Set(options.lotIds);
  const plan = createPlanBuilder('expire');
  for (const lot of state.lots) {
    if (lot.remaining === 0 || !isLotPastExpiry(lot, now)) continue;
    if (wanted !== undefined && !wanted.has(lot.lotId)) continue;
    plan.post(lot.bucket, 'expired', lot.remaining, lot.lotId);
    plan.changeLot(lot.lotId, -lot.remaining);
  }
  return plan.build();
}
