import { assertPoints } from './ledger-points';
import type { Hold, InsufficientPoints, MemberPointsState } from './ledger-types';
import { allocateSpend } from './lot-allocation';

/**
 * Reserves points on the lots a spend would take now. The caller stores the hold; confirming it is
 * `planSpend(state, { points, holdId }, now)`, cancelling it is `releaseHold`, and a lapsed hold is
 * simply ignored by every calculation (no job needs to void it for correctness).
 */
export function placeHold(
  state: MemberPointsState,
  input: { holdId: string; points: number; expiresAt: Date },
  now: Date,
): { ok: true; hold: Hold } | InsufficientPoints {
  assertPoints(input.points, 'hold points');
  if (state.holds?.some((hold) => hold.holdId === input.holdId)) {
    throw new RangeError(`hold ${input.holdId} already exists`);
  }
  const allocation = allocateSpend(state, input.points, now);
  if (!allocation.ok) return allocation;
  return { ok: true, hold: { holdId: input.holdId, expiresAt: input.expiresAt, lots: allocation.lots } };
}

export function releaseHold(state: MemberPointsState, holdId: string): MemberPointsState {
  return { ...state, holds: (state.holds ?? []).filter((hold) => hold.holdId !== holdId) };
}
