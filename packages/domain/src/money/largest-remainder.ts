import { computeLcm, type Rational, rationalFromInteger } from './rational';

export type AllocationWeight = Rational | bigint | number;

const toRationalWeight = (weight: AllocationWeight): Rational =>
  typeof weight === 'object' ? weight : rationalFromInteger(weight);

/** Scales rational weights to integers with the same proportions (common denominator). */
const toIntegerWeights = (weights: readonly AllocationWeight[]): bigint[] => {
  const rationals = weights.map(toRationalWeight);
  const commonDen = rationals.reduce((lcm, weight) => computeLcm(lcm, weight.den), 1n);
  return rationals.map((weight, index) => {
    if (weight.num < 0n) throw new RangeError(`Allocation weight #${index} is negative`);
    return weight.num * (commonDen / weight.den);
  });
};

/**
 * Splits an integer `total` into parts proportional to `weights` that add up exactly to `total`
 * (Hamilton / largest-remainder method):
 * - each part gets the floor of its exact share, then the leftover units go one by one to the
 *   largest fractional remainders; ties go to the earlier index, so results are deterministic;
 * - a zero weight gets zero (its remainder is zero, and the leftover is always smaller than the
 *   number of non-zero remainders);
 * - when every weight is zero the total is split equally (earlier indexes get the leftover), so
 *   an all-free receipt still adds up;
 * - a negative total is split like its absolute value, then negated;
 * - no weights: only a zero total can be split (into nothing); otherwise RangeError.
 */
export const allocateLargestRemainderExact = (
  total: bigint,
  weights: readonly AllocationWeight[],
): bigint[] => {
  if (total < 0n) return allocateLargestRemainderExact(-total, weights).map((part) => -part);
  if (weights.length === 0) {
    if (total === 0n) return [];
    throw new RangeError('Cannot allocate a non-zero total over no weights');
  }
  let integerWeights = toIntegerWeights(weights);
  let weightSum = integerWeights.reduce((sum, weight) => sum + weight, 0n);
  if (weightSum === 0n) {
    integerWeights = integerWeights.map(() => 1n);
    weightSum = BigInt(integerWeights.length);
  }
  const parts = integerWeights.map((weight) => (total * weight) / weightSum);
  const remainders = integerWeights.map((weight, index) => ({
    index,
    remainder: (total * weight) % weightSum,
  }));
  let leftover = total - parts.reduce((sum, part) => sum + part, 0n);
  // Stable order: larger remainder first, then earlier index.
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const { index } of remainders) {
    if (leftover === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts;
};

/** `allocateLargestRemainderExact` for JS-number totals (safe integers in, safe integers out). */
export const allocateLargestRemainder = (total: number, weights: readonly AllocationWeight[]): number[] => {
  if (!Number.isSafeInteger(total))
    throw new RangeError(`Allocation total must be a safe integer, got ${total}`);
  return allocateLargestRemainderExact(BigInt(total), weights).map(Number);
};
