import type { Lot } from './ledger-types';
import { isLotSpendable } from './lot-order';

export type PointsBalance = {
  /** Spendable now: active, unexpired lots minus debt (negative only under the 'debt' policy). */
  available: number;
  /** Earned but not yet activated by the activation job. */
  pending: number;
  /** Available points by expiry instant, soonest first; never-expiring points are not listed. */
  expiring: { points: number; expiresAt: Date }[];
};

/**
 * The member-facing balance. It differs from the `available` account balance in one way: points
 * past their expiry are no longer counted even if the expiry job has not posted them yet (they
 * cannot be spent, API.md). Holds are not subtracted here; see `computeSpendablePoints`.
 */
export function computeBalance(lots: readonly Lot[], debt: number, now: Date): PointsBalance {
  let available = 0 - debt; // not `-debt`: that is -0 for no debt
  let pending = 0;
  const expiring = new Map<number, number>();
  for (const lot of lots) {
    if (lot.bucket === 'pending') {
      pending += lot.remaining;
      continue;
    }
    if (!isLotSpendable(lot, now)) continue;
    available += lot.remaining;
    if (lot.expiresAt !== null) {
      const at = lot.expiresAt.getTime();
      expiring.set(at, (expiring.get(at) ?? 0) + lot.remaining);
    }
  }
  return {
    available,
    pending,
    expiring: [...expiring]
      .sort(([a], [b]) => a - b)
      .map(([at, points]) => ({ points, expiresAt: new Date(at) })),
  };
}
