import { getLocalParts } from './local-parts';
import { resolveWallTime } from './zoned-wall-time';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** ISO 8601 day of week of the local date: 1 = Monday … 7 = Sunday. */
export const isoDayOfWeek = (instant: Date, timeZone: string): number => {
  const local = getLocalParts(instant, timeZone);
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  const sundayFirst = date.getUTCDay();
  return sundayFirst === 0 ? 7 : sundayFirst;
};

/** The local calendar date as 'YYYY-MM-DD'. */
export const localDate = (instant: Date, timeZone: string): string => {
  const local = getLocalParts(instant, timeZone);
  return `${pad(local.year, 4)}-${pad(local.month, 2)}-${pad(local.day, 2)}`;
};

/** First instant of the local day (midnight, or the first existing time if midnight is skipped). */
export const startOfLocalDay = (instant: Date, timeZone: string): Date => {
  const local = getLocalParts(instant, timeZone);
  return resolveWallTime({ ...local, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
};

/** First instant of the local month. */
export const startOfLocalMonth = (instant: Date, timeZone: string): Date => {
  const local = getLocalParts(instant, timeZone);
  return resolveWallTime({ ...local, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
};

/**
 * End of the local month as an exclusive bound: the first instant of the next local month.
 * Expiry compares `expiresAt <= now`, so points "valid until the end of November" stay usable
 * through the whole of 30 November and are gone at 1 December 00:00 local time.
 */
export const endOfLocalMonth = (instant: Date, timeZone: string): Date => {
  const local = getLocalParts(instant, timeZone);
  const nextMonth = new Date(0);
  nextMonth.setUTCFullYear(local.year, local.month, 1);
  return resolveWallTime(
    {
      year: nextMonth.getUTCFullYear(),
      month: nextMonth.getUTCMonth() + 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
    },
    timeZone,
  );
};
