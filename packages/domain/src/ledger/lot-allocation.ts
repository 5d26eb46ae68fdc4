import { computeHeldPoints } from './held-points';
import { assertPoints } from './ledger-points';
import type { InsufficientPoints, Lot, LotPoints, MemberPointsState } from './ledger-types';
import { isLotSpendable, sortLotsForSpend } from './lot-order';

export type SpendAllocation = { ok: true; lots: LotPoints[] } | InsufficientPoints;

type SpendOptions = {
  /** Confirming this hold: its own reservation is not subtracted, and its lots are taken first. */
  holdId?: string;
};

/** Spendable lots in spend order, each with what other holds leave free on it. */
function listFreeLots(
  state: MemberPointsState,
  now: Date,
  options: SpendOptions,
): { lot: Lot; free: number }[] {
  const held = computeHeldPoints(state.holds, now, options.holdId);
  return sortLotsForSpend(state.lots.filter((lot) => isLotSpendable(lot, now)))
    .map((lot) => ({ lot, free: Math.max(0, lot.remaining - (held.get(lot.lotId) ?? 0)) }))
    .filter((entry) => entry.free > 0);
}

/**
 * What the member can spend now: unexpired active lots minus other holds minus debt. With debt
 * netted eagerly the debt term is normally zero; it is kept so that the rule does not depend on it.
 */
export function computeSpendablePoints(
  state: MemberPointsState,
  now: Date,
  options: SpendOptions = {},
): number {
  return sumSpendable(listFreeLots(state, now, options), state.debt);
}

function sumSpendable(freeLots: readonly { free: number }[], debt: number): number {
  return Math.max(0, freeLots.reduce((sum, entry) => sum + entry.free, 0) - debt);
}

/**
 * Chooses the lots a spend (or negative adjustment, or hold) takes: earliest expiry, then oldest,
 * then lotId, skipping lots that are pending, past expiry, empty or reserved by another hold.
 * A confirmed hold takes its reserved lots first; if some of them are gone meanwhile (expired,
 * revoked), the rest comes from other free lots, so a confirm fails only when the member really
 * lacks the points. A lapsed or unknown hold therefore behaves like a plain spend.
 */
export function allocateSpend(
  state: MemberPointsState,
  points: number,
  now: Date,
  options: SpendOptions = {},
): SpendAllocation {
  assertPoints(points, 'spend points');
  const freeLots = listFreeLots(state, now, options);
  const available = sumSpendable(freeLots, state.debt);
  if (points > available) return { ok: false, code: 'insufficient_points', available };

  const taken = new Map<string, number>();
  let need = points;
  const take = (lotId: string, free: number, wanted: number) => {
    const points = Math.min(need, wanted, free - (taken.get(lotId) ?? 0));
    if (points <= 0) return;
    taken.set(lotId, (taken.get(lotId) ?? 0) + points);
    need -= points;
  };

  const freeById = new Map(freeLots.map((entry) => [entry.lot.lotId, entry.free]));
  const hold = options.holdId === undefined ? undefined : findActiveHold(state, options.holdId, now);
  for (const reserved of hold?.lots ?? []) {
    take(reserved.lotId, freeById.get(reserved.lotId) ?? 0, reserved.points);
  }
  for (const entry of freeLots) take(entry.lot.lotId, entry.free, need);

  return { ok: true, lots: [...taken].map(([lotId, points]) => ({ lotId, points })) };
}

function findActiveHold(state: MemberPointsState, holdId: string, now: Date) {
  return state.holds?.find((hold) => hold.holdId === holdId && hold.expiresAt.getTime() > now.getTime());
}
