import { compareRationals, formatRational, parseDecimal, productRationals } from '../money';

/** What a tier or a paid-membership plan gives on a receipt and at the till. */
export type Benefits = {
  readonly code: string;
  readonly name: string;
  /** Decimal string 0–100. */
  readonly discountPercent: string;
  /** Decimal string ≥ 0. */
  readonly earnMultiplier: string;
  readonly perks: readonly string[];
  /** Whole percent of a receipt payable with points; null = the program's rule. */
  readonly maxPointsPercent: number | null;
};

/**
 * The strongest combination of several benefit sources (the member's tier, then their plan), by
 * the contract's combining rules: percentage discounts do not add up — the largest wins; earn
 * multipliers multiply; perks and the points-payment share take the most generous. The first
 * source names the result (its code shows in receipt effects as the tier code).
 */
export const combineBenefits = (sources: readonly Benefits[]): Benefits | null => {
  const [first, ...rest] = sources;
  if (first === undefined) return null;
  if (rest.length === 0) return first;
  let discount = first.discountPercent;
  for (const source of rest) {
    if (compareRationals(parseDecimal(source.discountPercent), parseDecimal(discount)) > 0)
      discount = source.discountPercent;
  }
  const caps = sources.map((s) => s.maxPointsPercent).filter((v): v is number => v !== null);
  return {
    code: first.code,
    name: sources.map((s) => s.name).join(' + '),
    discountPercent: discount,
    earnMultiplier: formatRational(productRationals(sources.map((s) => parseDecimal(s.earnMultiplier)))),
    perks: [...new Set(sources.flatMap((s) => s.perks))],
    maxPointsPercent: caps.length === 0 ? null : Math.max(...caps),
  };
};
