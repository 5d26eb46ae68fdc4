import type { Hold, Lot, MemberPointsState } from '../ledger-types';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const T0 = new Date('2026-03-01T00:00:00Z');

/** T0 plus a number of days (fractions allowed). */
export function day(days: number): Date {
  return new Date(T0.getTime() + days * DAY_MS);
}

export function lot(fields: Partial<Lot> & { lotId: string }): Lot {
  const amount = fields.amount ?? 100;
  return {
    amount,
    remaining: amount,
    bucket: 'available',
    activatesAt: T0,
    expiresAt: null,
    createdAt: T0,
    ...fields,
  };
}

export function memberState(
  lots: readonly Lot[],
  fields: { debt?: number; holds?: Hold[] } = {},
): MemberPointsState {
  return fields.holds === undefined
    ? { lots, debt: fields.debt ?? 0 }
    : { lots, debt: fields.debt ?? 0, holds: fields.holds };
}

export function remainingById(state: MemberPointsState): Record<string, number> {
  return Object.fromEntries(state.lots.map((entry) => [entry.lotId, entry.remaining]));
}
