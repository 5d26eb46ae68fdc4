import type { AccountRef, LedgerPlan, MemberPointsState, Posting } from './ledger-types';

/**
 * The in-memory twin of what persistence does with a plan: insert lots, update remaining, flip
 * activated lots, change debt, drop the consumed hold. It rejects a plan that would break a lot's
 * bounds, as the database's CHECK constraints would, so a stale plan cannot be applied silently.
 */
export function applyLedgerPlan(state: MemberPointsState, plan: LedgerPlan): MemberPointsState {
  const lots = new Map(state.lots.map((lot) => [lot.lotId, lot]));
  for (const lot of plan.newLots) {
    if (lots.has(lot.lotId)) throw new RangeError(`lot ${lot.lotId} already exists`);
    lots.set(lot.lotId, lot);
  }
  for (const { lotId, delta } of plan.lotChanges) {
    const lot = lots.get(lotId);
    if (lot === undefined) throw new RangeError(`unknown lot ${lotId}`);
    const remaining = lot.remaining + delta;
    if (remaining < 0 || remaining > lot.amount) {
      throw new RangeError(`lot ${lotId}: remaining ${remaining} outside 0..${lot.amount}`);
    }
    lots.set(lotId, { ...lot, remaining });
  }
  for (const lotId of plan.activatedLotIds) {
    const lot = lots.get(lotId);
    if (lot === undefined) throw new RangeError(`unknown lot ${lotId}`);
    lots.set(lotId, { ...lot, bucket: 'available' });
  }
  const debt = state.debt + plan.debtDelta;
  if (debt < 0) throw new RangeError(`debt would become ${debt}`);
  const holds = state.holds?.filter((hold) => hold.holdId !== plan.consumedHoldId);
  return holds === undefined ? { lots: [...lots.values()], debt } : { lots: [...lots.values()], debt, holds };
}

/** Net change of each account's balance (to minus from), for updating cached balances. */
export function computeAccountDeltas(postings: readonly Posting[]): Map<AccountRef, number> {
  const deltas = new Map<AccountRef, number>();
  for (const { from, to, points } of postings) {
    deltas.set(from, (deltas.get(from) ?? 0) - points);
    deltas.set(to, (deltas.get(to) ?? 0) + points);
  }
  return deltas;
}
