import type { Lot } from './ledger-types';

// Points whose expiry time has passed are gone for the member even before the expiry job posts
// them (API.md: a spend never consumes them), so "past expiry" is judged by the clock, not by
// whether the expiry posting exists.
export function isLotPastExpiry(lot: Lot, now: Date): boolean {
  return lot.expiresAt !== null && lot.expiresAt.getTime() <= now.getTime();
}

/** Active (activation posted), not past expiry, and something left. */
export function isLotSpendable(lot: Lot, now: Date): boolean {
  return lot.bucket === 'available' && lot.remaining > 0 && !isLotPastExpiry(lot, now);
}

/**
 * Spend order: earliest expiry first (never-expiring last), then oldest, then lotId. lotIds are
 * compared by UTF-16 code units, not locale, so that the order is the same on every node; SQL that
 * must agree should order by lot_id COLLATE "C".
 */
export function compareLotsForSpend(a: Lot, b: Lot): number {
  const expiresA = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const expiresB = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (expiresA !== expiresB) return expiresA < expiresB ? -1 : 1;
  const createdA = a.createdAt.getTime();
  const createdB = b.createdAt.getTime();
  if (createdA !== createdB) return createdA < createdB ? -1 : 1;
  if (a.lotId === b.lotId) return 0;
  return a.lotId < b.lotId ? -1 : 1;
}

export function sortLotsForSpend(lots: readonly Lot[]): Lot[] {
  return [...lots].sort(compareLotsForSpend);
}

export function findLotOrThrow(lots: readonly Lot[], lotId: string): Lot {
  const lot = lots.find((candidate) => candidate.lotId === lotId);
  if (lot === undefined) throw new RangeError(`unknown lot ${lotId}`);
  return lot;
}
