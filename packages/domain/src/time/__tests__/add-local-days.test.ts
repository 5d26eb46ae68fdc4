import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addLocalDays, getLocalParts, localDate } from '../index';

const at = (iso: string) => new Date(iso);

describe('addLocalDays', () => {
  it.each([
    {
      why: 'Moscow has no DST: a day is 24 h',
      from: '2026-11-22T10:15:00Z',
      days: 14,
      zone: 'Europe/Moscow',
      to: '2026-12-06T10:15:00Z',
    },
    {
      why: 'local date, not UTC date, decides the day (01:30 Moscow is still the previous UTC day)',
      from: '2026-11-22T22:30:00Z',
      days: 14,
      zone: 'Europe/Moscow',
      to: '2026-12-06T22:30:00Z',
    },
    {
      why: 'spring forward in Berlin: same noon, 23 h later',
      from: '2026-03-28T11:00:00Z',
      days: 1,
      zone: 'Europe/Berlin',
      to: '2026-03-29T10:00:00Z',
    },
    {
      why: 'fall back in Berlin: same noon, 25 h later',
      from: '2026-10-24T10:00:00Z',
      days: 1,
      zone: 'Europe/Berlin',
      to: '2026-10-25T11:00:00Z',
    },
    {
      why: '02:30 does not exist on the spring-forward day in New York: pushed to 03:30',
      from: '2026-03-07T07:30:00Z',
      days: 1,
      zone: 'America/New_York',
      to: '2026-03-08T07:30:00Z',
    },
    {
      why: '01:30 happens twice on the fall-back day in New York: the earlier one',
      from: '2026-10-31T05:30:00Z',
      days: 1,
      zone: 'America/New_York',
      to: '2026-11-01T05:30:00Z',
    },
    {
      why: 'month end rolls over',
      from: '2026-01-31T07:00:00Z',
      days: 1,
      zone: 'Europe/Moscow',
      to: '2026-02-01T07:00:00Z',
    },
    {
      why: 'January 31 + 30 days is March 2 in a common year',
      from: '2026-01-31T07:00:00Z',
      days: 30,
      zone: 'Europe/Moscow',
      to: '2026-03-02T07:00:00Z',
    },
    {
      why: 'leap day',
      from: '2028-02-28T07:00:00Z',
      days: 1,
      zone: 'Europe/Moscow',
      to: '2028-02-29T07:00:00Z',
    },
    {
      why: 'a year of expiry crosses two DST changes and keeps the wall time',
      from: '2026-11-22T10:15:00Z',
      days: 365,
      zone: 'Europe/Berlin',
      to: '2027-11-22T10:15:00Z',
    },
    {
      why: 'negative days go back',
      from: '2026-03-29T10:00:00Z',
      days: -1,
      zone: 'Europe/Berlin',
      to: '2026-03-28T11:00:00Z',
    },
    {
      why: 'zero days is the same instant',
      from: '2026-06-01T12:34:56.789Z',
      days: 0,
      zone: 'Asia/Kolkata',
      to: '2026-06-01T12:34:56.789Z',
    },
  ])('$why', ({ from, days, zone, to }) => {
    expect(addLocalDays(at(from), days, zone)).toEqual(at(to));
  });

  it('rejects fractional days, invalid dates and unknown zones', () => {
    expect(() => addLocalDays(at('2026-01-01T00:00:00Z'), 1.5, 'UTC')).toThrow(RangeError);
    expect(() => addLocalDays(new Date(Number.NaN), 1, 'UTC')).toThrow(RangeError);
    expect(() => addLocalDays(at('2026-01-01T00:00:00Z'), 1, 'Mars/Olympus')).toThrow(RangeError);
  });

  const zones = [
    'UTC',
    'Europe/Moscow',
    'Europe/Berlin',
    'America/New_York',
    'America/Santiago',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Kolkata',
  ];
  const plusDays = (date: string, days: number): string => {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };

  it('lands on the local date N days later, at the same wall time unless that time is skipped', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('1990-01-01T00:00:00Z'), max: at('2090-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -800, max: 800 }),
        fc.constantFrom(...zones),
        (instant, days, zone) => {
          const result = addLocalDays(instant, days, zone);
          const before = getLocalParts(instant, zone);
          const after = getLocalParts(result, zone);
          const wallMinutes = (p: typeof before) => p.hour * 60 + p.minute;
          // Holds in Santiago too, where midnight is skipped: 00:xx moves to 01:xx of the same date.
          expect(localDate(result, zone)).toBe(plusDays(localDate(instant, zone), days));
          // Same wall clock, or later by a DST gap (at most an hour).
          const shift = wallMinutes(after) - wallMinutes(before);
          expect(shift >= 0 && shift <= 60).toBe(true);
          expect(after.second).toBe(before.second);
          expect(after.millisecond).toBe(before.millisecond);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('addLocalDays with zero days', () => {
  it('keeps the later of two equal wall times (fall-back night)', () => {
    // 01:30 EST, the second 01:30 of 1 November 2026 in New York
    const second = new Date('2026-11-01T06:30:00Z');
    expect(addLocalDays(second, 0, 'America/New_York')).toEqual(second);
  });
});
