import type { Hold } from './ledger-types';

/** Points reserved per lot by holds that have not lapsed, optionally ignoring one hold. */
export function computeHeldPoints(
  holds: readonly Hold[] | undefined,
  now: Date,
  exceptHoldId?: string,
): Map<string, number> {
  const held = new Map<string, number>();
  for (const hold of holds ?? []) {
    if (hold.holdId === exceptHoldId || hold.expiresAt.getTime() <= now.getTime()) continue;
    for (const { lotId, points } of hold.lots) held.set(lotId, (held.get(lotId) ?? 0) + points);
  }
  return held;
}
