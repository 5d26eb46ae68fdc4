import { equalRationals, formatRational, RATIONAL_ONE, toSafeNumber } from '../money';
import type { ReceiptComputation } from './compute-receipt-figures';
import {
  describeBonusPoints,
  describeCampaignDiscount,
  describeCampaignMultiplier,
  describeTierDiscount,
  describeTierMultiplier,
} from './describe-effect';
import type { ReceiptEffect } from './receipt-types';

/**
 * What changed the receipt and why, for the cashier and the fiscal receipt: tier effects first,
 * then campaigns in priority order. Only effects that changed something are listed.
 */
export const buildReceiptEffects = ({
  receipt,
  member,
  program,
  tier,
  matches,
  discounts,
}: ReceiptComputation): ReceiptEffect[] => {
  const lineIdsWhere = (predicate: (index: number) => boolean): string[] =>
    receipt.lines.filter((_, index) => predicate(index)).map((line) => line.lineId);
  const discountEffect = (sourceIndex: number) => {
    const won = (index: number) => discounts.lines[index]?.sourceIndex === sourceIndex;
    const discountMinor = discounts.lines.reduce(
      (sum, line, index) => (won(index) ? sum + line.discountMinor : sum),
      0n,
    );
    return { lineIds: lineIdsWhere(won), discountMinor: toSafeNumber(discountMinor) };
  };
  const earnsOn = (index: number): boolean => {
    const line = receipt.lines[index];
    return line !== undefined && !program.earnExcluded.has(line.category);
  };

  const effects: ReceiptEffect[] = [];
  const tierSourceIndex = discounts.sources.findIndex((source) => source.type === 'tier');
  if (tier !== null && tierSourceIndex >= 0) {
    const { lineIds, discountMinor } = discountEffect(tierSourceIndex);
    const percent = formatRational(tier.discountPercent);
    if (lineIds.length > 0) {
      effects.push({
        campaignId: null,
        tierCode: tier.code,
        source: 'tier',
        kind: 'discount_percent',
        ...describeTierDiscount(tier.name, percent),
        lineIds,
        percent,
        discountMinor,
      });
    }
  }
  if (member !== null && tier !== null && !equalRationals(tier.earnMultiplier, RATIONAL_ONE)) {
    const lineIds = lineIdsWhere(earnsOn);
    const multiplier = formatRational(tier.earnMultiplier);
    if (lineIds.length > 0) {
      effects.push({
        campaignId: null,
        tierCode: tier.code,
        source: 'tier',
        kind: 'earn_multiplier',
        ...describeTierMultiplier(tier.name, multiplier),
        lineIds,
        multiplier,
      });
    }
  }

  matches.forEach((match) => {
    const { campaign, effect } = match;
    const base = { campaignId: campaign.campaignId, tierCode: null, source: 'campaign' } as const;
    const inScope = new Set(match.lineIndexes);
    switch (effect.type) {
      case 'discount_percent': {
        const sourceIndex = discounts.sources.findIndex(
          (source) => source.type === 'campaign' && source.match === match,
        );
        if (sourceIndex < 0) return;
        const { lineIds, discountMinor } = discountEffect(sourceIndex);
        const percent = formatRational(effect.percent);
        if (lineIds.length > 0) {
          effects.push({
            ...base,
            kind: 'discount_percent',
            ...describeCampaignDiscount(campaign.name, percent),
            lineIds,
            percent,
            discountMinor,
          });
        }
        return;
      }
      case 'earn_multiplier': {
        // Anonymous receipts earn nothing, so earning effects would promise what never happens.
        if (member === null) return;
        const lineIds = lineIdsWhere((index) => inScope.has(index) && earnsOn(index));
        const multiplier = formatRational(effect.multiplier);
        if (lineIds.length > 0) {
          effects.push({
            ...base,
            kind: 'earn_multiplier',
            ...describeCampaignMultiplier(campaign.name, multiplier),
            lineIds,
            multiplier,
          });
        }
        return;
      }
      case 'bonus_points': {
        if (member === null || effect.points === 0n) return;
        effects.push({
          ...base,
          kind: 'bonus_points',
          ...describeBonusPoints(campaign.name, effect.points),
          lineIds: lineIdsWhere((index) => inScope.has(index)),
          points: toSafeNumber(effect.points),
        });
        return;
      }
    }
  });
  return effects;
};
