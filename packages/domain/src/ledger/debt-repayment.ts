import type { Lot, LotPoints } from './ledger-types';
import { compareLotsForSpend, isLotPastExpiry } from './lot-order';

export type LotGain = { lot: Lot; points: number };

/**
 * Debt is netted eagerly: whenever points become available (accrual, activation, positive
 * adjustment, return of a spend), they repay debt first, so a member in debt never holds spendable
 * points. Without that, points "covering" a debt could later expire and push the balance further
 * below zero. The repaid part is taken off the gaining lots in spend order (soonest-expiring points
 * repay first, which leaves the member the longest-lived points). Points landing in a lot past its
 * expiry do not repay: they are about to expire and were never spendable.
 */
export function computeDebtRepayment(
  debt: number,
  gains: readonly LotGain[],
  now: Date,
): { repaid: number; lots: LotPoints[] } {
  let left = debt;
  const lots: LotPoints[] = [];
  const ordered = gains
    .filter((gain) => gain.points > 0 && !isLotPastExpiry(gain.lot, now))
    .sort((a, b) => compareLotsForSpend(a.lot, b.lot));
  for (const gain of ordered) {
    if (left === 0) break;
    const points = Math.min(left, gain.points);
    lots.push({ lotId: gain.lot.lotId, points });
    left -= points;
  }
  return { repaid: debt - left, lots };
}
