import { compareRationals, RATIONAL_ZERO, type Rational } from '../money';
import { type CampaignDiscounts, computeCampaignDiscounts } from './compute-campaign-discounts';
import { type BonusGrant, computeEarnedPoints, type EarnedPoints } from './compute-earned-points';
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
  /** Percentage discounts (tier and campaigns: the largest wins per line). */
  readonly discounts: LineDiscounts;
  /** Free items, bundles, fixed amounts, thresholds, delivery: after the percentages. */
  readonly campaignDiscounts: CampaignDiscounts;
  /** Per line: percentage discount + campaign discounts. */
  readonly lineDiscountMinor: readonly bigint[];
  /** Per line: the `earn_rate` campaign whose rate the line earns at, or null for the program's. */
  readonly earnRateMatches: readonly (CampaignMatch | null)[];
  readonly payment: PointsPayment;
  readonly earned: EarnedPoints;
};

/**
 * Of several `earn_rate` campaigns on one line the highest rate wins (like percentages do);
 * on equal rates the campaign earlier in priority order keeps the line.
 */
const pickEarnRates = (lineCount: number, matches: readonly CampaignMatch[]): (CampaignMatch | null)[] => {
  const winners: (CampaignMatch | null)[] = Array.from({ length: lineCount }, () => null);
  for (const match of matches) {
    if (match.effect.type !== 'earn_rate') continue;
    const rate = match.effect.pointsPerUnit;
    for (const index of match.lineIndexes) {
      const current = winners[index] ?? null;
      const currentRate: Rational | null =
        current !== null && current.effect.type === 'earn_rate' ? current.effect.pointsPerUnit : null;
      if (currentRate === null || compareRationals(rate, currentRate) > 0) winners[index] = match;
    }
  }
  return winners;
};

/**
 * Contract order: discounts first (percentages, then the other money effects in priority
 * order), then the points payment, then earning on the resulting base.
 */
export const computeReceiptFigures = (
  receipt: NormalizedReceipt,
  member: MemberContext,
  program: ParsedProgram,
  tier: ParsedTier | null,
  matches: readonly CampaignMatch[],
): ReceiptComputation => {
  const discounts = computeLineDiscounts(receipt.lines, tier, matches);
  const percentMinor = receipt.lines.map((_, index) => discounts.lines[index]?.discountMinor ?? 0n);
  const campaignDiscounts = computeCampaignDiscounts(receipt.lines, percentMinor, matches);
  const lineDiscountMinor = percentMinor.map(
    (discount, index) => discount + (campaignDiscounts.lineTotals[index] ?? 0n),
  );
  const netMinor = receipt.lines.map((line, index) => line.amountMinor - (lineDiscountMinor[index] ?? 0n));
  const payment = computePointsPayment({
    lines: receipt.lines.map((line, index) => ({ category: line.category, netMinor: netMinor[index] ?? 0n })),
    requestedPoints: receipt.pointsToSpend,
    availablePoints: member === null ? null : BigInt(member.availablePoints),
    pointValueMinor: program.pointValueMinor,
    // A tier or paid plan may set its own share of the receipt payable with points.
    maxPercentOfReceipt: tier?.maxPointsPercent ?? program.maxPercentOfReceipt,
    excludedCategories: program.burnExcluded,
  });
  const earnMatches = member === null ? [] : matches;
  const earnRateMatches = pickEarnRates(receipt.lines.length, earnMatches);
  const bonuses: BonusGrant[] = [];
  for (const match of earnMatches) {
    if (match.effect.type === 'bonus_points') {
      bonuses.push({ points: match.effect.points, lineIndexes: match.lineIndexes });
    }
  }
  for (const applied of campaignDiscounts.campaigns) {
    if (member !== null && applied.detail.type === 'threshold' && applied.detail.rewardPoints > 0n) {
      bonuses.push({ points: applied.detail.rewardPoints, lineIndexes: applied.match.lineIndexes });
    }
  }
  const earned = computeEarnedPoints({
    lines: receipt.lines.map((line, index) => {
      const multipliers: Rational[] = tier === null ? [] : [tier.earnMultiplier];
      for (const match of earnMatches) {
        if (match.effect.type === 'earn_multiplier' && match.lineIndexes.includes(index)) {
          multipliers.push(match.effect.multiplier);
        }
      }
      const rateMatch = earnRateMatches[index] ?? null;
      return {
        category: line.category,
        amountMinor: line.amountMinor,
        discountMinor: lineDiscountMinor[index] ?? 0n,
        pointsSpentMinor: payment.linePointsSpentMinor[index] ?? 0n,
        multipliers,
        ...(rateMatch !== null && rateMatch.effect.type === 'earn_rate'
          ? { pointsPerUnit: rateMatch.effect.pointsPerUnit }
          : {}),
      };
    }),
    base: program.program.earn.base,
    // Anonymous receipts are recorded for analytics but earn nothing.
    pointsPerUnit: member === null ? RATIONAL_ZERO : program.pointsPerUnit,
    minorUnitsPerMajor: program.minorUnitsPerMajor,
    rounding: program.program.earn.rounding,
    excludedCategories: program.earnExcluded,
    bonuses,
  });
  return {
    receipt,
    member,
    program,
    tier,
    matches,
    discounts,
    campaignDiscounts,
    lineDiscountMinor,
    earnRateMatches,
    payment,
    earned,
  };
};
