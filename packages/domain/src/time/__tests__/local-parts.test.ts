import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getLocalParts } from '../local-parts';

// The reference: every instant read through ICU, no cached offsets.
const reference = (epochMs: number, timeZone: string) => {
  const parts: Record<string, string> = {};
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  for (const p of formatter.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  const yearOfEra = Number(parts.year);
  return {
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
};

// Whole-hour, half-hour and 45-minute offsets, DST on both hemispheres, a 30-minute DST shift
// (Lord Howe), zones whose rules changed (Moscow 2011/2014), and one far from Greenwich.
const ZONES = [
  'Europe/Moscow',
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Sao_Paulo',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
];

describe('getLocalParts', () => {
  it('reads every instant as ICU does, next to and far from transitions', () => {
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: from, max: to }),
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        (zone, base, nudge) => {
          // Each base instant and a few around it (same and neighbouring 15-minute slices).
          for (const epochMs of [base, base + nudge, base + 1, base - 1]) {
            expect(getLocalParts(new Date(epochMs), zone)).toEqual(reference(epochMs, zone));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('matches ICU at every minute around DST changes', () => {
    const nights: [string, number][] = [
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 0, 0)],
      ['Europe/Berlin', Date.UTC(2026, 9, 25, 0, 0)],
      ['America/New_York', Date.UTC(2026, 10, 1, 5, 0)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14, 0)],
      ['Europe/Moscow', Date.UTC(2011, 2, 26, 22, 0)],
      ['Europe/Moscow', Date.UTC(2014, 9, 25, 21, 0)],
    ];
    for (const [zone, start] of nights) {
      for (let m = 0; m < 6 * 60; m++) {
        const epochMs = start + m * 60_000 + 123;
        expect(getLocalParts(new Date(epochMs), zone)).toEqual(reference(epochMs, zone));
      }
    }
  });
});
