import type { CampaignLimitPeriod } from '../receipts/campaign';
import { addLocalDays, isoDayOfWeek, localDate } from '../time';

export const LIMIT_PERIODS: readonly CampaignLimitPeriod[] = ['day', 'week', 'month', 'year', 'ever'];

/**
 * The calendar period an instant falls in, in the program's time zone, as a stable key for
 * per-member counters: "d:2026-11-22", "w:2026-11-16" (the ISO week's Monday), "m:2026-11",
 * "y:2026", "ever".
 */
export const computeLimitPeriodKey = (period: CampaignLimitPeriod, at: Date, timeZone: string): string => {
  switch (period) {
    case 'day':
      return `d:${localDate(at, timeZone)}`;
    case 'week':
      return `w:${localDate(addLocalDays(at, 1 - isoDayOfWeek(at, timeZone), timeZone), timeZone)}`;
    case 'month':
      return `m:${localDate(at, timeZone).slice(0, 7)}`;
    case 'year':
      return `y:${localDate(at, timeZone).slice(0, 4)}`;
    case 'ever':
      return 'ever';
  }
};
