// Wall-clock parts of an instant in an IANA time zone, read through Intl.DateTimeFormat (the
// only time-zone database we rely on: Node's bundled ICU).

export type LocalDateTimeParts = {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  /** 0–23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
};

// Building a formatter costs far more than using one; one per zone is plenty.
const formatterCache = new Map<string, Intl.DateTimeFormat>();

const getFormatter = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatterCache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
};

const assertValidInstant = (instant: Date): number => {
  const epochMs = instant.getTime();
  if (Number.isNaN(epochMs)) throw new RangeError('Invalid Date');
  return epochMs;
};

// `format` is about three times faster than `formatToParts`; en-US with h23 prints
// "11/22/2026 AD, 13:15:00". Should an ICU version print it differently, parts are read instead.
const FORMATTED_PATTERN = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;

const readParts = (
  formatter: Intl.DateTimeFormat,
  instant: Date,
): Omit<LocalDateTimeParts, 'millisecond'> => {
  const match = FORMATTED_PATTERN.exec(formatter.format(instant));
  if (match) {
    const yearOfEra = Number(match[3]);
    return {
      year: match[4] === 'BC' ? 1 - yearOfEra : yearOfEra,
      month: Number(match[1]),
      day: Number(match[2]),
      // Some ICU versions print midnight as 24 even with h23.
      hour: Number(match[5]) % 24,
      minute: Number(match[6]),
      second: Number(match[7]),
    };
  }
  const values: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatter.formatToParts(instant)) values[part.type] = part.value;
  const yearOfEra = Number(values.year);
  return {
    year: values.era === 'BC' || values.era === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(values.month),
    day: Number(values.day),
    hour: Number(values.hour) % 24,
    minute: Number(values.minute),
    second: Number(values.second),
  };
};

const readLocalParts = (epochMs: number, timeZone: string): LocalDateTimeParts => {
  // Offsets are whole seconds, so the millisecond is the same on every wall clock.
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  return { ...readParts(getFormatter(timeZone), new Date(epochMs)), millisecond };
};

// A zone's offset changes only at its transitions, a few times a year at most and never twice
// within minutes. The offset of each 15-minute slice whose start and end share one offset (so no
// transition lies inside it) is kept, and instants in such a slice are read with arithmetic
// instead of a trip through ICU; a slice holding a transition is always read through ICU. A
// purchase reads a few local times (its day, activation, expiry, the offline window).
const SLICE_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const MAX_EPOCH_MS = 8.64e15;
const MAX_SLICES_PER_ZONE = 10_000;
const sliceOffsets = new Map<string, Map<number, number>>();

const offsetFromIcu = (epochMs: number, timeZone: string): number =>
  wallClockToEpochMs(readLocalParts(epochMs, timeZone)) - epochMs;

const sliceOffset = (epochMs: number, timeZone: string): number | undefined => {
  let slices = sliceOffsets.get(timeZone);
  if (!slices) {
    slices = new Map();
    sliceOffsets.set(timeZone, slices);
  }
  const slice = Math.floor(epochMs / SLICE_MS);
  const known = slices.get(slice);
  if (known !== undefined) return known;
  const start = slice * SLICE_MS;
  const offset = offsetFromIcu(start, timeZone);
  if (offsetFromIcu(start + SLICE_MS - 1, timeZone) !== offset) return undefined;
  if (slices.size >= MAX_SLICES_PER_ZONE) slices.clear();
  slices.set(slice, offset);
  return offset;
};

export const getLocalParts = (instant: Date, timeZone: string): LocalDateTimeParts => {
  const epochMs = assertValidInstant(instant);
  // (Near the ends of Date's range a slice would reach past them: ICU it is.)
  const offset = Math.abs(epochMs) < MAX_EPOCH_MS - DAY_MS ? sliceOffset(epochMs, timeZone) : undefined;
  if (offset === undefined) return readLocalParts(epochMs, timeZone);
  const wall = new Date(epochMs + offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: wall.getUTCMilliseconds(),
  };
};

/** Wall-clock parts read as if they were UTC, in epoch milliseconds (proleptic Gregorian). */
export const wallClockToEpochMs = (parts: LocalDateTimeParts): number => {
  const date = new Date(0);
  // setUTCFullYear keeps years 0–99 literal, unlike Date.UTC.
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  date.setUTCHours(parts.hour, parts.minute, parts.second, parts.millisecond);
  return date.getTime();
};

/** Offset of the zone from UTC at `instant`, in milliseconds (Moscow: +3 h). */
export const getTimeZoneOffsetMs = (instant: Date, timeZone: string): number =>
  wallClockToEpochMs(getLocalParts(instant, timeZone)) - instant.getTime();
