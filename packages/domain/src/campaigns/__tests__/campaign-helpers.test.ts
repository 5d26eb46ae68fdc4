import { describe, expect, it } from 'vitest';
import { isInBirthdayWindow, memberMatchesAudience } from '../audience';
import { checkPatternCapacity, generateCouponCode, parseCouponPattern } from '../coupon-code';
import { computeLimitPeriodKey } from '../limit-period';

const MSK = 'Europe/Moscow';

describe('computeLimitPeriodKey', () => {
  // Sunday 22 November 2026, 01:30 in Moscow (22:30 UTC on the 21st)
  const at = new Date('2026-11-21T22:30:00Z');
  it.each([
    ['day', 'd:2026-11-22'],
    ['week', 'w:2026-11-16'],
    ['month', 'm:2026-11'],
    ['year', 'y:2026'],
    ['ever', 'ever'],
  ] as const)('%s -> %s (local calendar)', (period, key) => {
    expect(computeLimitPeriodKey(period, at, MSK)).toBe(key);
  });
});

describe('birthday window', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    { birth: '1990-11-25', at: '2026-11-01T10:00:00Z', window: 'month' as const, yes: true },
    { birth: '1990-12-01', at: '2026-11-30T20:59:00Z', window: 'month' as const, yes: false },
    // 21:00 UTC on 30 November is already 1 December in Moscow
    { birth: '1990-12-01', at: '2026-11-30T21:00:00Z', window: 'month' as const, yes: true },
    { birth: '1990-01-02', at: '2026-12-30T10:00:00Z', window: { daysBefore: 7, daysAfter: 0 }, yes: true },
    { birth: '1990-12-30', at: '2027-01-03T10:00:00Z', window: { daysBefore: 0, daysAfter: 7 }, yes: true },
    { birth: '1990-12-30', at: '2027-01-08T10:00:00Z', window: { daysBefore: 0, daysAfter: 7 }, yes: false },
    { birth: '2000-02-29', at: '2027-02-28T10:00:00Z', window: { daysBefore: 0, daysAfter: 0 }, yes: true },
  ])('$birth at $at', ({ birth, at: instant, window, yes }) => {
    expect(isInBirthdayWindow(birth, at(instant), MSK, window)).toBe(yes);
  });

  it('audience rules need every fact to hold', () => {
    const facts = {
      birthDate: '1990-11-25',
      joinedAt: new Date('2026-11-01T00:00:00Z'),
      confirmedReceipts: 0,
    };
    const now = new Date('2026-11-22T10:00:00Z');
    expect(memberMatchesAudience({ birthday: 'month', firstPurchase: true }, facts, now, MSK)).toBe(true);
    expect(memberMatchesAudience({ newMembersWithinDays: 7 }, facts, now, MSK)).toBe(false);
    expect(memberMatchesAudience({ firstPurchase: true }, { ...facts, confirmedReceipts: 1 }, now, MSK)).toBe(
      false,
    );
    expect(memberMatchesAudience(null, facts, now, MSK)).toBe(true);
  });
});

describe('coupon codes', () => {
  it('parses patterns and knows their capacity', () => {
    const pattern = parseCouponPattern('CAFE-XXXX-XXXX');
    expect(pattern.ok && pattern.value.capacity).toBe(31n ** 8n);
    expect(parseCouponPattern('cafe-XXXX').ok).toBe(false);
    expect(parseCouponPattern('CAFE').ok).toBe(false);
    if (!pattern.ok) throw new Error();
    expect(checkPatternCapacity(pattern.value, 1_000_000)).toBeNull();
    const short = parseCouponPattern('XX');
    if (!short.ok) throw new Error();
    expect(checkPatternCapacity(short.value, 10)).toMatch(/add X/);
  });

  it('generates codes of the pattern with every symbol reachable', () => {
    const pattern = parseCouponPattern('CAFE-XXXX-####');
    if (!pattern.ok) throw new Error();
    let byte = 0;
    const codes = new Set<string>();
    for (let i = 0; i < 300; i++) codes.add(generateCouponCode(pattern.value, () => byte++ % 256));
    for (const code of codes) expect(code).toMatch(/^CAFE-[2-9A-HJKMNP-Z]{4}-\d{4}$/);
    const symbols = new Set([...codes].flatMap((code) => [...code.slice(5, 9)]));
    expect(symbols.size).toBe(31);
  });
});
