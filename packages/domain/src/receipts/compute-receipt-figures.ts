import { RATIONAL_ZERO, type Rational } from '../money';
import { computeEarnedPoints, type EarnedPoints } from './compute-earned-points';
import { computeLineDiscounts, type LineDiscounts } from './compute-line-discounts';
import { computePointsPayment, type PointsPayment } from './compute-points-payment';
import type { CampaignMatch } from './match-campaigns';
import type { NormalizedReceipt } from './normalize-receipt';
import type { ParsedProgram, ParsedTier } from './parse-pricing-config';
import type { MemberContext } from './receipt-types';

/** Every intermediate figure of one receipt, exact (bigint), before conversion to JSON numbers. */
export type ReceiptComputation = {
  readonly receipt: NormalizedReceipt;
  readonly member: MemberContext;
  readonly program: ParsedProgram;
  readonly tier: ParsedTier | null;
  readonly matches: readonly CampaignMatch[];
  readonly discounts: LineDiscounts;
  readonly payment: PointsPayment;
  readonly earned: EarnedPoints;
};

/** Discounts first, then the points payment, then earning on the resulting base (contract order). */
export const computeReceiptFigures = (
  receipt: NormalizedReceipt,
  member: MemberContext,
  program: ParsedProgram,
  tier: ParsedTier | null,
  matches: readonly CampaignMatch[],
): ReceiptComputation => {
  const discounts = computeLineDiscounts(receipt.lines, tier, matches);
  const netMinor = receipt.lines.map(
    (line, index) => line.amountMinor - (discounts.lines[index]?.discountMinor ?? 0n),
  );
  const payment = computePointsPayment({
    lines: receipt.lines.map((line, index) => ({ category: line.category, netMinor: netMinor[index] ?? 0n })),
    requestedPoints: receipt.pointsToSpend,
    availablePoints: member === null ? null : BigInt(member.availablePoints),
    pointValueMinor: program.pointValueMinor,
    maxPercentOfReceipt: program.maxPercentOfReceipt,
    excludedCategories: program.burnExcluded,
  });
  const earnMatches = member === null ? [] : matches;
  const earned = computeEarnedPoints({
    lines: receipt.lines.map((line, index) => {
      const multipliers: Rational[] = tier === null ? [] : [tier.earnMultiplier];
      for (const match of earnMatches) {
        if (match.effect.type === 'earn_multiplier' && match.lineIndexes.includes(index)) {
          multipliers.push(match.effect.multiplier);
        }
      }
      return {
        category: line.category,
        amountMinor: line.amountMinor,
        discountMinor: discounts.lines[index]?.discountMinor ?? 0n,
        pointsSpentMinor: payment.linePointsSpentMinor[index] ?? 0n,
        multipliers,
      };
    }),
    base: program.program.earn.base,
    // Anonymous receipts are recorded for analytics but earn nothing.
    pointsPerUnit: member === null ? RATIONAL_ZERO : program.pointsPerUnit,
    minorUnitsPerMajor: program.minorUnitsPerMajor,
    rounding: program.program.earn.rounding,
    excludedCategories: program.earnExcluded,
    bonuses: earnMatches.flatMap((match) =>
      match.effect.type === 'bonus_points'
        ? [{ points: match.effect.points, lineIndexes: match.lineIndexes }]
        : [],
    ),
  });
  return { receipt, member, program, tier, matches, discounts, payment, earned };
};
