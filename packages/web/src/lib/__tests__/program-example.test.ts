import { describe, expect, it } from 'vitest';
import { computeProgramExample, parseDecimal, roundRatio } from '../program-example';
import type { Program } from '../types';

const program = (over: Partial<Program['earn']> = {}, burn: Partial<Program['burn']> = {}) => ({
  pointValueMinor: 100,
  earn: {
    pointsPerUnit: '0.05',
    rounding: 'floor' as const,
    base: 'paid' as const,
    excludedCategories: [],
    pendingDays: 0,
    expiryDays: 365,
    ...over,
  },
  burn: { maxPercentOfReceipt: 30, excludedCategories: [], ...burn },
});
const now = new Date('2026-11-22T10:00:00Z');
const sample = { amountMinor: 100_000, availablePoints: 500, currencyDigits: 2, now };

describe('program settings example', () => {
  it('5 % back, 30 % cap: 1000 RUB earns 50; paying 300 points earns 35 on the 700 paid', () => {
    const ex = computeProgramExample(program(), sample);
    expect(ex).toMatchObject({
      plain: { earnBaseMinor: 100_000, pointsEarned: 50 },
      maxPointsByRule: 300,
      withPoints: { pointsSpent: 300, pointsSpentMinor: 30_000, paidMinor: 70_000, pointsEarned: 35 },
      activatesAt: now,
      expiresAt: new Date('2027-11-22T10:00:00Z'),
    });
  });

  it('earning on the gross amount, a small balance, a return window and no expiry', () => {
    const ex = computeProgramExample(program({ base: 'gross', pendingDays: 14, expiryDays: null }), {
      ...sample,
      availablePoints: 120,
    });
    expect(ex?.withPoints).toMatchObject({ pointsSpent: 120, paidMinor: 88_000, pointsEarned: 50 });
    expect(ex?.activatesAt).toEqual(new Date('2026-12-06T10:00:00Z'));
    expect(ex?.expiresAt).toBeNull();
  });

  it('rounds once per receipt as the program says', () => {
    const odd = { ...sample, amountMinor: 12_345 }; // 123.45 RUB × 0.05 = 6.1725 points
    expect(computeProgramExample(program({ rounding: 'floor' }), odd)?.plain.pointsEarned).toBe(6);
    expect(computeProgramExample(program({ rounding: 'ceil' }), odd)?.plain.pointsEarned).toBe(7);
    expect(roundRatio(5n, 2n, 'half_up')).toBe(3n);
    expect(roundRatio(5n, 2n, 'half_even')).toBe(2n);
    expect(roundRatio(7n, 2n, 'half_even')).toBe(4n);
  });

  it('refuses rates that are not decimals', () => {
    expect(parseDecimal('0.05')).toEqual({ num: 5n, den: 100n });
    expect(parseDecimal('2')).toEqual({ num: 2n, den: 1n });
    expect(parseDecimal('5 %')).toBeUndefined();
    expect(computeProgramExample(program({ pointsPerUnit: 'lots' }), sample)).toBeUndefined();
  });
});
