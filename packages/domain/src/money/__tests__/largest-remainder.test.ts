import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateLargestRemainder, allocateLargestRemainderExact, rational } from '../index';

describe('allocateLargestRemainder', () => {
  it.each([
    { total: 100, weights: [1, 1, 1], parts: [34, 33, 33], why: 'tie goes to the earliest line' },
    { total: 2, weights: [1, 1, 1], parts: [1, 1, 0], why: 'ties keep going in index order' },
    { total: 10, weights: [3, 7], parts: [3, 7], why: 'exact shares stay exact' },
    { total: 10, weights: [1, 2], parts: [3, 7], why: '3.33 / 6.67: the larger remainder wins' },
    { total: 7, weights: [0, 5, 0, 5], parts: [0, 4, 0, 3], why: 'zero weights get nothing' },
    { total: 5, weights: [0, 0, 0], parts: [2, 2, 1], why: 'all-zero weights split equally' },
    { total: 0, weights: [0, 0], parts: [0, 0], why: 'nothing to split' },
    { total: 0, weights: [], parts: [], why: 'empty split of zero' },
    { total: -100, weights: [1, 1, 1], parts: [-34, -33, -33], why: 'negative totals mirror positive ones' },
    { total: 1, weights: [1, 1], parts: [1, 0], why: 'single unit, tie' },
  ])('$why: $total over $weights', ({ total, weights, parts }) => {
    expect(allocateLargestRemainder(total, weights)).toEqual(parts);
  });

  it('accepts rational weights', () => {
    // 10.5 and 10.5 exact points, 21 to split: 11 / 10, the tie to the earlier line.
    expect(allocateLargestRemainder(21, [rational(21n, 2n), rational(21n, 2n)])).toEqual([11, 10]);
    expect(allocateLargestRemainder(3, [rational(1n, 3n), rational(2n, 3n)])).toEqual([1, 2]);
    expect(allocateLargestRemainderExact(3n, [1n, rational(1n, 2n)])).toEqual([2n, 1n]);
  });

  it('rejects impossible splits', () => {
    expect(() => allocateLargestRemainder(1, [])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1, [-1, 2])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(0.5, [1])).toThrow(RangeError);
  });

  it('parts add up, each is floor or ceil of its exact share, zero weights get zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 12 }),
        (total, weights) => {
          const parts = allocateLargestRemainder(total, weights);
          expect(parts.reduce((sum, part) => sum + part, 0)).toBe(total);
          const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
          parts.forEach((part, index) => {
            const weight = weightSum === 0 ? 1 : (weights[index] ?? 0);
            const denominator = weightSum === 0 ? weights.length : weightSum;
            // |part × denominator − total × weight| < denominator  ⇔  part is floor or ceil of the share
            const error = BigInt(part) * BigInt(denominator) - BigInt(total) * BigInt(weight);
            expect(error < BigInt(denominator) && error > -BigInt(denominator)).toBe(true);
            if (weightSum > 0 && weights[index] === 0) expect(part).toBe(0);
          });
        },
      ),
    );
  });
});
