import {
  addRationals,
  allocateLargestRemainderExact,
  multiplyRationals,
  productRationals,
  RATIONAL_ZERO,
  type Rational,
  type RoundingMode,
  rational,
  roundRational,
  sumRationals,
} from '../money';
import type { EarnBase } from '../program';

export type EarningLine = {
  readonly category: string;
  readonly amountMinor: bigint;
  readonly discountMinor: bigint;
  readonly pointsSpentMinor: bigint;
  /** Tier × campaign multipliers that apply to this line. */
  readonly multipliers: readonly Rational[];
  /** A campaign's rate for this line instead of the program's (`earn_rate`); absent = the program's. */
  readonly pointsPerUnit?: Rational;
};

export type BonusGrant = {
  readonly points: bigint;
  /** Indexes of the lines the bonus goes to (the campaign's matching lines). */
  readonly lineIndexes: readonly number[];
};

export type EarningInput = {
  readonly lines: readonly EarningLine[];
  readonly base: EarnBase;
  readonly pointsPerUnit: Rational;
  readonly minorUnitsPerMajor: bigint;
  readonly rounding: RoundingMode;
  readonly excludedCategories: ReadonlySet<string>;
  readonly bonuses: readonly BonusGrant[];
};

export type EarnedPoints = {
  readonly points: bigint;
  /** rounding(Σ base × rate × multipliers), rounded once per receipt. */
  readonly ratePoints: bigint;
  readonly bonusPoints: bigint;
  readonly linePoints: readonly bigint[];
  /** Each line's exact, unrounded points (rate part plus its bonus share): the split weights. */
  readonly lineExactPoints: readonly Rational[];
  /** Each line's exact rate part alone (base × rate × multipliers). */
  readonly lineRateExact: readonly Rational[];
};

/** The line's earning base in minor units: `paid` after discounts and points, `gross` before. */
export const computeEarnBaseMinor = (line: EarningLine, base: EarnBase): bigint =>
  base === 'gross' ? line.amountMinor : line.amountMinor - line.discountMinor - line.pointsSpentMinor;

/**
 * Exact bonus shares per line: each bonus goes to its lines in proportion to their amount
 * (before loyalty effects); equally when all those lines are free. Shares stay rational so the
 * one largest-remainder split at the end sees the true proportions.
 */
const computeBonusShares = (lines: readonly EarningLine[], bonuses: readonly BonusGrant[]): Rational[] => {
  const shares = lines.map(() => RATIONAL_ZERO);
  for (const bonus of bonuses) {
    const amounts = bonus.lineIndexes.map((index) => lines[index]?.amountMinor ?? 0n);
    const total = amounts.reduce((sum, amount) => sum + amount, 0n);
    bonus.lineIndexes.forEach((lineIndex, position) => {
      const share =
        total === 0n
          ? rational(bonus.points, BigInt(bonus.lineIndexes.length))
          : rational(bonus.points * (amounts[position] ?? 0n), total);
      shares[lineIndex] = addRationals(shares[lineIndex] ?? RATIONAL_ZERO, share);
    });
  }
  return shares;
};

/**
 * Earning happens last, on the chosen base. Per line, the exact points are
 * base / minorUnitsPerMajor × pointsPerUnit × multipliers (lines in `earn.excludedCategories`
 * earn at rate 0); the sum is rounded ONCE per receipt with the program's mode, bonus points are
 * added, and the total is split across lines by largest remainder on the exact per-line points.
 */
export const computeEarnedPoints = (input: EarningInput): EarnedPoints => {
  const rateExact = input.lines.map((line) => {
    if (input.excludedCategories.has(line.category)) return RATIONAL_ZERO;
    const baseMajor = rational(computeEarnBaseMinor(line, input.base), input.minorUnitsPerMajor);
    return multiplyRationals(
      multiplyRationals(baseMajor, line.pointsPerUnit ?? input.pointsPerUnit),
      productRationals(line.multipliers),
    );
  });
  const ratePoints = roundRational(sumRationals(rateExact), input.rounding);
  const bonusPoints = input.bonuses.reduce((sum, bonus) => sum + bonus.points, 0n);
  const bonusShares = computeBonusShares(input.lines, input.bonuses);
  const lineExactPoints = rateExact.map((exact, index) =>
    addRationals(exact, bonusShares[index] ?? RATIONAL_ZERO),
  );
  const points = ratePoints + bonusPoints;
  return {
    points,
    ratePoints,
    bonusPoints,
    linePoints: allocateLargestRemainderExact(points, lineExactPoints),
    lineExactPoints,
    lineRateExact: rateExact,
  };
};
