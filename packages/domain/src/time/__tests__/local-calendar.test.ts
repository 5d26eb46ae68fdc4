import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endOfLocalMonth,
  isoDayOfWeek,
  isValidTimeZone,
  localDate,
  startOfLocalDay,
  startOfLocalMonth,
} from '../index';

const at = (iso: string) => new Date(iso);

describe('localDate and isoDayOfWeek', () => {
  it.each([
    ['2026-11-22T10:15:00Z', 'Europe/Moscow', '2026-11-22', 7],
    ['2026-11-22T21:30:00Z', 'Europe/Moscow', '2026-11-23', 1],
    ['2026-11-22T21:30:00Z', 'UTC', '2026-11-22', 7],
    ['2026-11-21T03:00:00Z', 'America/Los_Angeles', '2026-11-20', 5],
    ['2026-11-21T09:00:00Z', 'Pacific/Kiritimati', '2026-11-21', 6],
    ['0099-06-15T12:00:00Z', 'UTC', '0099-06-15', 1],
  ])('%s in %s is %s, ISO day %i', (instant, zone, date, day) => {
    expect(localDate(at(instant), zone)).toBe(date);
    expect(isoDayOfWeek(at(instant), zone)).toBe(day);
  });

  it('agrees with the UTC calendar of the local date', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('1970-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('UTC', 'Europe/Moscow', 'America/New_York', 'Asia/Tokyo', 'Pacific/Honolulu'),
        (instant, zone) => {
          const day = new Date(`${localDate(instant, zone)}T00:00:00Z`).getUTCDay();
          expect(isoDayOfWeek(instant, zone)).toBe(day === 0 ? 7 : day);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('month and day bounds', () => {
  it.each([
    ['2026-11-15T12:00:00Z', 'Europe/Moscow', '2026-11-30T21:00:00.000Z'],
    ['2026-12-31T20:00:00Z', 'Europe/Moscow', '2026-12-31T21:00:00.000Z'],
    // 01:00 on 1 January in Moscow is already January.
    ['2026-12-31T22:00:00Z', 'Europe/Moscow', '2027-01-31T21:00:00.000Z'],
    ['2028-02-10T12:00:00Z', 'Europe/Moscow', '2028-02-29T21:00:00.000Z'],
    // November starts in CET, October in CEST.
    ['2026-10-10T12:00:00Z', 'Europe/Berlin', '2026-10-31T23:00:00.000Z'],
    ['2026-11-10T12:00:00Z', 'UTC', '2026-12-01T00:00:00.000Z'],
  ])('end of the local month of %s in %s is the start of the next: %s', (instant, zone, end) => {
    expect(endOfLocalMonth(at(instant), zone).toISOString()).toBe(end);
  });

  it('start of the local month and day', () => {
    expect(startOfLocalMonth(at('2026-11-15T12:00:00Z'), 'Europe/Moscow').toISOString()).toBe(
      '2026-10-31T21:00:00.000Z',
    );
    expect(startOfLocalDay(at('2026-11-15T12:00:00Z'), 'Europe/Moscow').toISOString()).toBe(
      '2026-11-14T21:00:00.000Z',
    );
  });

  it('a skipped midnight starts the day at the first existing instant', () => {
    // Santiago jumps from 24:00 to 01:00 on 6 September 2026.
    expect(startOfLocalDay(at('2026-09-06T15:00:00Z'), 'America/Santiago').toISOString()).toBe(
      '2026-09-06T04:00:00.000Z',
    );
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Moscow', true],
    ['UTC', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Etc/GMT+3', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+03:00', false],
    ['Europe/Moscow ', false],
    [42, false],
    [null, false],
  ])('%j -> %s', (name, valid) => {
    expect(isValidTimeZone(name)).toBe(valid);
  });
});
