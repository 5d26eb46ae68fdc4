import { computeDebtRepayment } from './debt-repayment';
import { createPlanBuilder } from './ledger-plan';
import type { LedgerPlan, MemberPointsState } from './ledger-types';

/**
 * The activation job: pending lots whose `activatesAt` has come move to available
 * (pending -> available for their remaining), repaying debt first. Idempotent: an activated lot is
 * no longer pending, so a second run plans nothing. Lots emptied while pending (a revoked accrual)
 * are still marked activated, with no posting, so the job does not pick them up again.
 * `lotIds` limits the run to one batch of the job.
 */
export function planActivation(
  state: MemberPointsState,
  now: Date,
  options: { lotIds?: readonly string[] } = {},
): LedgerPlan {
  const wanted = options.lotIds === undefined ? undefined : new Set(options.lotIds);
  const due = state.lots.filter(
    (lot) =>
      lot.bucket === 'pending' &&
      lot.activatesAt.getTime() <= now.getTime() &&
      (wanted === undefined || wanted.has(lot.lotId)),
  );
  const plan = createPlanBuilder('activate');
  for (const lot of due) {
    plan.activateLot(lot.lotId);
    plan.post('pending', 'available', lot.remaining, lot.lotId);
  }
  const repayment = computeDebtRepayment(
    state.debt,
    due.map((lot) => ({ lot, points: lot.remaining })),
    now,
  );
  for (const { lotId, points } of repayment.lots) plan.changeLot(lotId, -points);
  return plan.build({ debtDelta: -repayment.repaid });
}
