import {
  compareRationals,
  multiplyRationals,
  RATIONAL_ZERO,
  type Rational,
  rational,
  roundRational,
} from '../money';
import type { CampaignMatch } from './match-campaigns';
import type { NormalizedLine } from './normalize-receipt';
import type { ParsedTier } from './parse-pricing-config';

export type DiscountSource =
  | { readonly type: 'tier'; readonly tier: ParsedTier }
  | { readonly type: 'campaign'; readonly match: CampaignMatch };

export type LineDiscount = {
  readonly discountMinor: bigint;
  /** The winning percentage (zero when nothing applies). */
  readonly percent: Rational;
  /** Index into the candidate list of the winner, or null. */
  readonly sourceIndex: number | null;
};

export type LineDiscounts = {
  /** Candidates in tie-break order: the tier first, then campaigns by priority. */
  readonly sources: readonly DiscountSource[];
  readonly lines: readonly LineDiscount[];
};

const ONE_HUNDREDTH = rational(1n, 100n);

/** `amountMinor × percent / 100`, rounded half up to the minor unit (contract rule). */
export const computePercentDiscountMinor = (amountMinor: bigint, percent: Rational): bigint =>
  roundRational(
    multiplyRationals(multiplyRationals(rational(amountMinor), percent), ONE_HUNDREDTH),
    'half_up',
  );

/**
 * Percentage discounts do not add up: each line takes the largest percentage that applies to
 * it (the member's tier on every line, discount campaigns on their matching lines). Equal
 * percentages resolve to the earlier candidate, the tier before campaigns, so the outcome does
 * not depend on input order.
 */
export const computeLineDiscounts = (
  lines: readonly NormalizedLine[],
  tier: ParsedTier | null,
  matches: readonly CampaignMatch[],
): LineDiscounts => {
  const sources: DiscountSource[] = [];
  if (tier !== null && tier.discountPercent.num > 0n) sources.push({ type: 'tier', tier });
  for (const match of matches) {
    if (match.effect.type === 'discount_percent' && match.effect.percent.num > 0n)
      sources.push({ type: 'campaign', match });
  }
  const appliesTo = sources.map((source) =>
    source.type === 'tier' ? null : new Set(source.match.lineIndexes),
  );
  const percentOf = (source: DiscountSource): Rational =>
    source.type === 'tier'
      ? source.tier.discountPercent
      : source.match.effect.type === 'discount_percent'
        ? source.match.effect.percent
        : RATIONAL_ZERO;

  const lineDiscounts = lines.map((line, lineIndex): LineDiscount => {
    let best: { percent: Rational; sourceIndex: number } | null = null;
    for (const [sourceIndex, source] of sources.entries()) {
      const scope = appliesTo[sourceIndex];
      if (scope && !scope.has(lineIndex)) continue;
      const percent = percentOf(source);
      // Strictly greater: on a tie the earlier candidate keeps the line.
      if (best === null || compareRationals(percent, best.percent) > 0) best = { percent, sourceIndex };
    }
    if (best === null) return { discountMinor: 0n, percent: RATIONAL_ZERO, sourceIndex: null };
    return {
      discountMinor: computePercentDiscountMinor(line.amountMinor, best.percent),
      percent: best.percent,
      sourceIndex: best.sourceIndex,
    };
  });
  return { sources, lines: lineDiscounts };
};
