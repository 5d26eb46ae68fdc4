import type { AccountRef, LedgerOperationKind, LedgerPlan, Lot, Posting } from './ledger-types';

/**
 * Collects postings and lot changes while a planner walks the lots. Lot deltas are merged per lot
 * so that persistence updates each lot row once (a return that also repays debt is one change).
 */
export type PlanBuilder = {
  post: (from: AccountRef, to: AccountRef, points: number, lotId?: string) => void;
  changeLot: (lotId: string, delta: number) => void;
  addLot: (lot: Lot) => void;
  activateLot: (lotId: string) => void;
  build: (
    extra?: Partial<Pick<LedgerPlan, 'debtDelta' | 'pointsWrittenOff' | 'consumedHoldId'>>,
  ) => LedgerPlan;
};

export function createPlanBuilder(kind: LedgerOperationKind): PlanBuilder {
  const postings: Posting[] = [];
  const newLots: Lot[] = [];
  const activatedLotIds: string[] = [];
  const deltas = new Map<string, number>();
  return {
    post(from, to, points, lotId) {
      // Zero-point postings carry no information and would fail the "positive points" invariant.
      if (points === 0) return;
      postings.push(lotId === undefined ? { from, to, points } : { from, to, points, lotId });
    },
    changeLot(lotId, delta) {
      deltas.set(lotId, (deltas.get(lotId) ?? 0) + delta);
    },
    addLot(lot) {
      newLots.push(lot);
    },
    activateLot(lotId) {
      activatedLotIds.push(lotId);
    },
    build(extra) {
      return {
        kind,
        postings,
        newLots,
        lotChanges: [...deltas]
          .filter(([, delta]) => delta !== 0)
          .map(([lotId, delta]) => ({ lotId, delta })),
        activatedLotIds,
        // `+ 0` turns -0 (from negating a zero repayment) into 0, which serializes and compares plainly.
        debtDelta: (extra?.debtDelta ?? 0) + 0,
        pointsWrittenOff: extra?.pointsWrittenOff ?? 0,
        consumedHoldId: extra?.consumedHoldId ?? null,
      };
    },
  };
}
