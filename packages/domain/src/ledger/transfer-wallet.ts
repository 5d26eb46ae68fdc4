import { computeDebtRepayment } from './debt-repayment';
import type { Lot, LotPoints, MemberPointsState, Posting } from './ledger-types';

export type WalletTransferPlan = {
  /** Postings between the source member's accounts and `transfers`. */
  sourcePostings: Posting[];
  /** Postings between `transfers` and the target member's accounts. */
  targetPostings: Posting[];
  /** The source's lots that hold points, as they arrive: same ids and dates, remaining after repayment. */
  movedLots: Lot[];
  /** Debt repaid once both wallets are one: points taken off lots (moved or the target's own). */
  repayments: LotPoints[];
  /** The target's state afterwards (its holds kept; the source's holds are released by the caller). */
  target: MemberPointsState;
  /** Points that left the source per bucket (lots' remaining), its debt, and how many lots moved. */
  moved: { available: number; pending: number; debt: number; lots: number };
};

/**
 * Moves everything one member's wallet holds in a currency into another's (a household member's
 * points into the shared wallet, a duplicate's into the survivor's). Lots keep their identity and
 * dates (activation, expiry, receipt), so refunds of old receipts still find them; the points
 * travel by postings through the `transfers` clearing account, lot by lot, so each side of the
 * move balances on its own member and the clearing account nets to zero. The source's debt moves
 * too. Debt is netted eagerly (see debt-repayment.ts): if either side owed points and the other
 * brings spendable ones, the combined debt is repaid from them at once.
 */
export function planWalletTransfer(
  source: MemberPointsState,
  target: MemberPointsState,
  now: Date,
): WalletTransferPlan {
  const lots = source.lots.filter((lot) => lot.remaining > 0);
  const sourcePostings: Posting[] = [];
  const targetPostings: Posting[] = [];
  const moved = { available: 0, pending: 0, debt: source.debt, lots: lots.length };
  for (const lot of lots) {
    sourcePostings.push({ from: lot.bucket, to: 'transfers', points: lot.remaining, lotId: lot.lotId });
    targetPostings.push({ from: 'transfers', to: lot.bucket, points: lot.remaining, lotId: lot.lotId });
    moved[lot.bucket] += lot.remaining;
  }
  if (source.debt > 0) {
    // The source's available account is negative by its debt: bring it back to zero and charge
    // the target's available account the same, so the debt changes hands through `transfers`.
    sourcePostings.push({ from: 'transfers', to: 'available', points: source.debt });
    targetPostings.push({ from: 'available', to: 'transfers', points: source.debt });
  }

  const combined = [...target.lots, ...lots];
  const debt = target.debt + source.debt;
  const repayment = computeDebtRepayment(
    debt,
    combined.filter((lot) => lot.bucket === 'available').map((lot) => ({ lot, points: lot.remaining })),
    now,
  );
  const repaidByLot = new Map(repayment.lots.map((l) => [l.lotId, l.points]));
  const after = (lot: Lot): Lot => {
    const repaid = repaidByLot.get(lot.lotId) ?? 0;
    return repaid === 0 ? lot : { ...lot, remaining: lot.remaining - repaid };
  };
  const state: MemberPointsState = {
    lots: combined.map(after),
    debt: debt - repayment.repaid,
    ...(target.holds === undefined ? {} : { holds: target.holds }),
  };
  return {
    sourcePostings,
    targetPostings,
    movedLots: lots.map(after),
    repayments: repayment.lots,
    target: state,
    moved,
  };
}
