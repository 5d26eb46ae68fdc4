import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeCumulativeShare,
  computeIncrementalShare,
  getMinorUnitExponent,
  isCurrencyCode,
} from '../index';

describe('cumulative shares', () => {
  it('refunding 1 of 3 then 2 of 3 gives back the whole 100', () => {
    const first = computeIncrementalShare(100n, 0n, 1n, 3n);
    const second = computeIncrementalShare(100n, 1n, 3n, 3n);
    expect([first, second]).toEqual([33n, 67n]);
    expect(computeCumulativeShare(100n, 3n, 3n)).toBe(100n);
  });

  it('any chain of steps from 0 to the whole adds up to the total, every step ≥ 0', () => {
    fc.assert(
      fc.property(
        fc.bigInt(0n, 10n ** 9n),
        fc.array(fc.bigInt(1n, 5_000n), { minLength: 1, maxLength: 10 }),
        (total, steps) => {
          const whole = steps.reduce((sum, step) => sum + step, 0n);
          let done = 0n;
          let paid = 0n;
          for (const step of steps) {
            const part = computeIncrementalShare(total, done, done + step, whole);
            expect(part >= 0n).toBe(true);
            paid += part;
            done += step;
          }
          expect(paid).toBe(total);
        },
      ),
    );
  });
});

describe('currencies', () => {
  it.each([
    ['RUB', 2],
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['XYZ', 2],
  ])('%s has %i minor digits', (code, exponent) => {
    expect(getMinorUnitExponent(code)).toBe(exponent);
  });

  it('recognizes ISO-looking codes only', () => {
    expect(isCurrencyCode('RUB')).toBe(true);
    expect(isCurrencyCode('rub')).toBe(false);
    expect(isCurrencyCode('RUBL')).toBe(false);
    expect(isCurrencyCode(643)).toBe(false);
  });
});
