import { getLocalParts } from './local-parts';
import { resolveWallTime } from './zoned-wall-time';

/**
 * The same local wall-clock time `days` calendar days later (or earlier, when negative) in
 * `timeZone`. Across a DST change the result is 23 or 25 hours per day away, not 24: points
 * pending for 14 days become spendable at the same local time of day they were earned.
 */
export const addLocalDays = (instant: Date, days: number, timeZone: string): Date => {
  if (!Number.isSafeInteger(days)) throw new RangeError(`Days must be an integer, got ${days}`);
  const local = getLocalParts(instant, timeZone);
  // Re-resolving the wall time would move the second 01:30 of a fall-back night to the first.
  if (days === 0) return new Date(instant.getTime());
  // Date's UTC calendar does the month/year roll-over on the wall date.
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day + days);
  return resolveWallTime(
    { ...local, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
    timeZone,
  );
};
