import {
  getLocalParts,
  getTimeZoneOffsetMs,
  type LocalDateTimeParts,
  wallClockToEpochMs,
} from './local-parts';

const DAY_MS = 86_400_000;

const sameWallClock = (a: LocalDateTimeParts, b: LocalDateTimeParts): boolean =>
  a.year === b.year &&
  a.month === b.month &&
  a.day === b.day &&
  a.hour === b.hour &&
  a.minute === b.minute &&
  a.second === b.second &&
  a.millisecond === b.millisecond;

/**
 * The instant at which the zone's clocks show `wall`. Follows Temporal's "compatible"
 * disambiguation, which is what people expect of "same time N days later":
 * - a time that happens twice (clocks turned back) resolves to the earlier instant;
 * - a time that never happens (clocks jumped forward) is pushed forward by the length of the
 *   gap (02:30 in a 02:00→03:00 jump becomes 03:30).
 */
export const resolveWallTime = (wall: LocalDateTimeParts, timeZone: string): Date => {
  const wallAsUtc = wallClockToEpochMs(wall);
  // A day either side brackets any real transition; offsets never exceed ±26 h.
  const offsetBefore = getTimeZoneOffsetMs(new Date(wallAsUtc - DAY_MS), timeZone);
  const offsetAfter = getTimeZoneOffsetMs(new Date(wallAsUtc + DAY_MS), timeZone);
  const possible =
    offsetBefore === offsetAfter
      ? [wallAsUtc - offsetBefore]
      : [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter];
  const candidates = possible
    .filter((epochMs) => sameWallClock(getLocalParts(new Date(epochMs), timeZone), wall))
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return new Date(earliest);
  // In a gap the offset before the jump maps the wall time past the jump by the gap's length.
  return new Date(wallAsUtc - offsetBefore);
};
