import { createPlanBuilder } from './ledger-plan';
import { assertPoints } from './ledger-points';
import type { LedgerPlan, MemberPointsState, RefundPolicy } from './ledger-types';
import { findLotOrThrow, isLotSpendable, sortLotsForSpend } from './lot-order';

/**
 * Takes back points earned by an accrual whose receipt was refunded (all or part of `lot.amount`;
 * the caller tracks what earlier partial refunds revoked). Order: the accrual's own lot (pending or
 * available, even past expiry: those points are the ones being revoked), then what of it already
 * expired (`expiredFromLot`, reversing that expiry: the member lost those points already), then other spendable lots
 * in spend order, then whatever is still missing was already spent: under 'debt' it becomes debt
 * (available -> issued, the available account goes negative); under 'clamp' it is written off
 * (written_off -> issued, so that `issued` nets to zero for the refunded accrual and the loss shows
 * in `written_off`). Holds do not protect points from revocation; a hold that loses its points
 * simply fails to confirm.
 */
export function planRevocation(
  state: MemberPointsState,
  input: { lotId: string; points: number; policy: RefundPolicy; expiredFromLot?: number },
  now: Date,
): LedgerPlan {
  assertPoints(input.points, 'revoked points');
  const plan = createPlanBuilder('revoke');
  if (input.points === 0) return plan.build();
  const lot = findLotOrThrow(state.lots, input.lotId);
  if (input.points > lot.amount) {
    throw new RangeError(`cannot revoke ${input.points} points from lot ${lot.lotId} of ${lot.amount}`);
  }
  let missing = input.points;
  const fromOwnLot = Math.min(missing, lot.remaining);
  plan.post(lot.bucket, 'issued', fromOwnLot, lot.lotId);
  plan.changeLot(lot.lotId, -fromOwnLot);
  missing -= fromOwnLot;

  // Points of this lot that already expired were lost to the member when they expired; revoking
  // them takes nothing more from the member (the expiry is reversed into the revocation), so a
  // refund returns the member to where they were minus what expired in between.
  const fromExpired = Math.min(missing, Math.max(0, input.expiredFromLot ?? 0));
  plan.post('expired', 'issued', fromExpired, lot.lotId);
  missing -= fromExpired;

  const others = sortLotsForSpend(
    state.lots.filter((other) => other.lotId !== lot.lotId && isLotSpendable(other, now)),
  );
  for (const other of others) {
    if (missing === 0) break;
    const points = Math.min(missing, other.remaining);
    plan.post('available', 'issued', points, other.lotId);
    plan.changeLot(other.lotId, -points);
    missing -= points;
  }

  if (input.policy === 'debt') {
    plan.post('available', 'issued', missing);
    return plan.build({ debtDelta: missing });
  }
  plan.post('written_off', 'issued', missing);
  return plan.build({ pointsWrittenOff: missing });
}
