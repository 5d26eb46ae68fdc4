import { type Rational, rational } from './rational';
import { type RoundingMode, roundRational } from './rounding';

/** Exact `total × part / whole`; `whole` must be non-zero. */
export const computeExactShare = (total: bigint, part: bigint, whole: bigint): Rational => {
  if (whole === 0n) throw new RangeError('Proportional share of a zero whole');
  return rational(total * part, whole);
};

/**
 * Rounded share of `total` that corresponds to `progress` out of `whole` (e.g. refunded
 * quantity out of bought quantity). Differences of cumulative shares telescope: whatever the
 * steps, the shares of 0 → q1 → q2 → … → whole add up to exactly `total`, and with a
 * non-negative total every step is non-negative because the rounding is monotone.
 */
export const computeCumulativeShare = (
  total: bigint,
  progress: bigint,
  whole: bigint,
  mode: RoundingMode = 'half_up',
): bigint => {
  if (progress === whole) return total;
  return roundRational(computeExactShare(total, progress, whole), mode);
};

/** The part of `total` that a step from `before` to `after` (out of `whole`) accounts for. */
export const computeIncrementalShare = (
  total: bigint,
  before: bigint,
  after: bigint,
  whole: bigint,
  mode: RoundingMode = 'half_up',
): bigint =>
  computeCumulativeShare(total, after, whole, mode) - computeCumulativeShare(total, before, whole, mode);
