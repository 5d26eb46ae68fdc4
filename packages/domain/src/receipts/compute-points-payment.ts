import { allocateLargestRemainderExact, floorDivide, maxBigInt, minBigInt } from '../money';

export type PointsPaymentLine = {
  readonly category: string;
  /** Line amount after discounts. */
  readonly netMinor: bigint;
};

export type PointsPaymentInput = {
  readonly lines: readonly PointsPaymentLine[];
  readonly requestedPoints: bigint;
  /** null for an anonymous receipt (cannot spend). */
  readonly availablePoints: bigint | null;
  readonly pointValueMinor: bigint;
  readonly maxPercentOfReceipt: bigint;
  readonly excludedCategories: ReadonlySet<string>;
};

export type PointsPayment = {
  /** floor(capBase × maxPercent / 100 / pointValueMinor), regardless of balance. */
  readonly maxByRules: bigint;
  /** Balance the cap used: 0 for anonymous and never below 0 (a debt cannot be spent). */
  readonly available: bigint;
  /** min(available, maxByRules). */
  readonly maxPointsToSpend: bigint;
  readonly pointsSpent: bigint;
  readonly pointsSpentMinor: bigint;
  readonly linePointsSpentMinor: readonly bigint[];
  readonly linePointsSpent: readonly bigint[];
};

/**
 * Points payment after discounts. The money (`pointsSpent × pointValueMinor`) is split over the
 * lines outside `burn.excludedCategories` in proportion to their amount after discounts, then the
 * points in proportion to each line's money, both by largest remainder. Since the money is at
 * most the cap base, no line's share can exceed what it costs.
 */
export const computePointsPayment = (input: PointsPaymentInput): PointsPayment => {
  const eligible = input.lines.map((line) => !input.excludedCategories.has(line.category));
  const capBaseMinor = input.lines.reduce(
    (sum, line, index) => (eligible[index] ? sum + line.netMinor : sum),
    0n,
  );
  const maxByRules = floorDivide(capBaseMinor * input.maxPercentOfReceipt, 100n * input.pointValueMinor);
  const available = input.availablePoints === null ? 0n : maxBigInt(0n, input.availablePoints);
  const maxPointsToSpend = minBigInt(available, maxByRules);
  const pointsSpent = minBigInt(input.requestedPoints, maxPointsToSpend);
  const pointsSpentMinor = pointsSpent * input.pointValueMinor;
  const linePointsSpentMinor = allocateLargestRemainderExact(
    pointsSpentMinor,
    input.lines.map((line, index) => (eligible[index] ? line.netMinor : 0n)),
  );
  // When nothing is spent every weight may be zero; the all-zero rule would still give zeros.
  const linePointsSpent = allocateLargestRemainderExact(pointsSpent, linePointsSpentMinor);
  return {
    maxByRules,
    available,
    maxPointsToSpend,
    pointsSpent,
    pointsSpentMinor,
    linePointsSpentMinor,
    linePointsSpent,
  };
};
