import type { ReceiptCalculation } from './receipt-types';

export type SpendCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'insufficient_points';
      readonly requested: number;
      readonly available: number;
    }
  | {
      readonly ok: false;
      readonly code: 'points_limit_exceeded';
      readonly requested: number;
      readonly maxPointsToSpend: number;
    };

/**
 * Confirm posts exactly the requested points or fails (calculate clamps instead). The balance
 * is checked first: a spend beyond both balance and cap is `insufficient_points`, as the
 * contract says. An anonymous receipt has a balance of 0.
 */
export const checkSpend = (
  calculation: Pick<ReceiptCalculation, 'spend'>,
  requested: number,
  available: number,
): SpendCheck => {
  if (!Number.isSafeInteger(requested) || requested < 0) {
    throw new RangeError(`Requested points must be a non-negative integer, got ${requested}`);
  }
  const balance = Math.max(0, available);
  if (requested > balance) return { ok: false, code: 'insufficient_points', requested, available };
  if (requested > calculation.spend.maxByRules) {
    const maxPointsToSpend = Math.min(balance, calculation.spend.maxByRules);
    return { ok: false, code: 'points_limit_exceeded', requested, maxPointsToSpend };
  }
  return { ok: true };
};
