import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addRationals,
  ceilDivide,
  compareRationals,
  divideRationals,
  floorDivide,
  formatRational,
  formatScaled,
  multiplyRationals,
  type RoundingMode,
  rational,
  roundRational,
  subtractRationals,
} from '../index';

describe('rational arithmetic', () => {
  it('normalizes sign and common factors', () => {
    expect(rational(2n, -4n)).toEqual({ num: -1n, den: 2n });
    expect(rational(0n, -7n)).toEqual({ num: 0n, den: 1n });
    expect(() => rational(1n, 0n)).toThrow(RangeError);
  });

  it('adds, subtracts, multiplies and divides exactly', () => {
    const third = rational(1n, 3n);
    const sixth = rational(1n, 6n);
    expect(addRationals(third, sixth)).toEqual(rational(1n, 2n));
    expect(subtractRationals(third, sixth)).toEqual(sixth);
    expect(multiplyRationals(third, rational(3n))).toEqual(rational(1n));
    expect(divideRationals(sixth, third)).toEqual(rational(1n, 2n));
    expect(() => divideRationals(third, rational(0n))).toThrow(RangeError);
    expect(compareRationals(third, sixth)).toBe(1);
    expect(compareRationals(sixth, third)).toBe(-1);
    expect(compareRationals(rational(2n, 4n), rational(1n, 2n))).toBe(0);
  });

  it('0.1 + 0.2 is exactly 0.3', () => {
    expect(addRationals(rational(1n, 10n), rational(2n, 10n))).toEqual(rational(3n, 10n));
  });
});

describe('roundRational', () => {
  // value, floor, ceil, half_up, half_even
  it.each([
    ['5/2', 2n, 3n, 3n, 2n],
    ['7/2', 3n, 4n, 4n, 4n],
    ['-5/2', -3n, -2n, -3n, -2n],
    ['1/3', 0n, 1n, 0n, 0n],
    ['2/3', 0n, 1n, 1n, 1n],
    ['-1/3', -1n, 0n, 0n, 0n],
    ['4/1', 4n, 4n, 4n, 4n],
    ['0/1', 0n, 0n, 0n, 0n],
    ['199995/10000', 19n, 20n, 20n, 20n],
  ])('%s', (text, floor, ceil, halfUp, halfEven) => {
    const [num, den] = text.split('/').map(BigInt) as [bigint, bigint];
    const value = rational(num, den);
    const expected: Record<RoundingMode, bigint> = { floor, ceil, half_up: halfUp, half_even: halfEven };
    for (const mode of Object.keys(expected) as RoundingMode[]) {
      expect(roundRational(value, mode)).toBe(expected[mode]);
    }
  });

  it('floor/ceil division agree with the definition for all signs', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 12n), 10n ** 12n), fc.bigInt(-1000n, 1000n), (num, den) => {
        fc.pre(den !== 0n);
        const floor = floorDivide(num, den);
        const ceil = ceilDivide(num, den);
        // floor ≤ num/den < floor + 1, checked without division
        const positive = den > 0n;
        const times = (value: bigint) => value * den;
        expect(positive ? times(floor) <= num : times(floor) >= num).toBe(true);
        expect(positive ? times(floor + 1n) > num : times(floor + 1n) < num).toBe(true);
        expect(ceil - floor === 0n || ceil - floor === 1n).toBe(true);
      }),
    );
  });

  it('rounded values are within half a unit (within one for floor/ceil)', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 9n), 10n ** 9n), fc.bigInt(1n, 10n ** 6n), (num, den) => {
        const value = rational(num, den);
        for (const mode of ['half_up', 'half_even'] as const) {
          const distance = subtractRationals(value, rational(roundRational(value, mode)));
          expect(compareRationals(distance, rational(1n, 2n)) <= 0).toBe(true);
          expect(compareRationals(distance, rational(-1n, 2n)) >= 0).toBe(true);
        }
        expect(compareRationals(rational(roundRational(value, 'floor')), value) <= 0).toBe(true);
        expect(compareRationals(rational(roundRational(value, 'ceil')), value) >= 0).toBe(true);
      }),
    );
  });
});

describe('formatting', () => {
  it.each([
    [rational(3n, 2n), '1.5'],
    [rational(1n, 20n), '0.05'],
    [rational(10n), '10'],
    [rational(-1n, 8n), '-0.125'],
    [rational(1n, 3n), '1/3'],
  ])('formatRational(%o) = %s', (value, text) => {
    expect(formatRational(value)).toBe(text);
  });

  it.each([
    [1500n, 3, '1.5'],
    [2000n, 3, '2'],
    [125n, 3, '0.125'],
    [1n, 3, '0.001'],
    [-250n, 2, '-2.5'],
    [42n, 0, '42'],
  ])('formatScaled(%s, %i) = %s', (value, scale, text) => {
    expect(formatScaled(value, scale)).toBe(text);
  });
});
