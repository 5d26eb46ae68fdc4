import { addLocalDays, getLocalParts, resolveWallTime } from '../time';
import { resolveLadderSettings, type TierLadder } from './tier-ladder';

export type QualifyingWindow = {
  /** Activity at or after this instant counts; null = since the beginning. */
  readonly from: Date | null;
  /** The instant the metric is taken at. */
  readonly to: Date;
};

/** The first instant of the local calendar year that contains `at`. */
export const startOfLocalYear = (at: Date, timeZone: string): Date => {
  const local = getLocalParts(at, timeZone);
  return resolveWallTime(
    { year: local.year, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 },
    timeZone,
  );
};

/**
 * The period whose activity qualifies at `at`. A rolling window of N days starts at the same
 * local time N calendar days earlier (so "the last 365 days" means the same thing across DST).
 * A calendar-year window starts at local midnight on 1 January.
 */
export const computeQualifyingWindow = (ladder: TierLadder, at: Date, timeZone: string): QualifyingWindow => {
  const settings = resolveLadderSettings(ladder);
  switch (settings.window) {
    case 'rolling':
      return { from: addLocalDays(at, -settings.windowDays, timeZone), to: at };
    case 'calendar_year':
      return { from: startOfLocalYear(at, timeZone), to: at };
    case 'lifetime':
      return { from: null, to: at };
  }
};
