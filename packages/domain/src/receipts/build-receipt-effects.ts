import { equalRationals, formatRational, getMinorUnitExponent, RATIONAL_ONE, toSafeNumber } from '../money';
import type { ReceiptComputation } from './compute-receipt-figures';
import {
  describeAmountOff,
  describeBonusPoints,
  describeBundle,
  describeCampaignDiscount,
  describeCampaignMultiplier,
  describeEarnRate,
  describeFreeDelivery,
  describeFreeItems,
  describeIssueCoupon,
  describeStamps,
  describeThreshold,
  describeTierDiscount,
  describeTierMultiplier,
  formatMoney,
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
  campaignDiscounts,
  earnRateMatches,
}: ReceiptComputation): ReceiptEffect[] => {
  const currency = program.program.currency;
  const exponent = getMinorUnitExponent(currency);
  const money = (amountMinor: bigint) => formatMoney(amountMinor, currency, exponent);
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
  const sourceIndexByMatch = new Map(
    discounts.sources.flatMap((source, index) =>
      source.type === 'campaign' ? [[source.match, index] as const] : [],
    ),
  );
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
        const sourceIndex = sourceIndexByMatch.get(match) ?? -1;
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
      case 'earn_rate': {
        if (member === null) return;
        const lineIds = lineIdsWhere((index) => earnRateMatches[index] === match && earnsOn(index));
        const pointsPerUnit = formatRational(effect.pointsPerUnit);
        if (lineIds.length > 0) {
          effects.push({
            ...base,
            kind: 'earn_rate',
            ...describeEarnRate(campaign.name, pointsPerUnit, currency),
            lineIds,
            pointsPerUnit,
          });
        }
        return;
      }
      case 'issue_coupon': {
        if (member === null) return;
        effects.push({
          ...base,
          kind: 'issue_coupon',
          ...describeIssueCoupon(campaign.name),
          lineIds: lineIdsWhere((index) => inScope.has(index)),
          seriesId: effect.seriesId,
        });
        return;
      }
      case 'discount_amount':
      case 'nth_item_free':
      case 'bundle_price':
      case 'stamp':
      case 'threshold_reward':
      case 'free_delivery': {
        const applied = campaignDiscounts.byMatch.get(match);
        if (applied === undefined) return;
        const discounted = lineIdsWhere((index) => (applied.lineDiscounts[index] ?? 0n) > 0n);
        const discountMinor = toSafeNumber(applied.discountMinor);
        const { detail } = applied;
        if (effect.type === 'discount_amount' && applied.discountMinor > 0n) {
          effects.push({
            ...base,
            kind: 'discount_amount',
            ...describeAmountOff(campaign.name, money(applied.discountMinor)),
            lineIds: discounted,
            discountMinor,
          });
        } else if (effect.type === 'nth_item_free' && detail.type === 'free_units' && detail.freeUnits > 0n) {
          effects.push({
            ...base,
            kind: 'nth_item_free',
            ...describeFreeItems(campaign.name, effect.buy, effect.free, detail.freeUnits),
            lineIds: discounted,
            discountMinor,
            freeUnits: toSafeNumber(detail.freeUnits),
          });
        } else if (effect.type === 'bundle_price' && detail.type === 'bundle' && applied.discountMinor > 0n) {
          effects.push({
            ...base,
            kind: 'bundle_price',
            ...describeBundle(campaign.name, detail.bundles, money(effect.priceMinor)),
            lineIds: discounted,
            discountMinor,
          });
        } else if (detail.type === 'stamp' && detail.stampsAdded > 0n) {
          const progress = (detail.stampsBefore + detail.stampsAdded) % detail.every;
          effects.push({
            ...base,
            kind: 'stamp',
            ...describeStamps(campaign.name, detail.stampsAdded, detail.freeUnits, progress, detail.every),
            lineIds: lineIdsWhere(
              (index) => inScope.has(index) && (receipt.lines[index]?.quantityMilli ?? 0n) >= 1000n,
            ),
            discountMinor,
            freeUnits: toSafeNumber(detail.freeUnits),
            stampsAdded: toSafeNumber(detail.stampsAdded),
            stampsProgress: toSafeNumber(progress),
          });
        } else if (detail.type === 'threshold' && detail.spendAddedMinor > 0n) {
          effects.push({
            ...base,
            kind: 'threshold_reward',
            ...describeThreshold(
              campaign.name,
              applied.discountMinor > 0n ? money(applied.discountMinor) : null,
              detail.rewardPoints,
              money(detail.progressMinor),
              money(detail.thresholdMinor),
            ),
            lineIds: lineIdsWhere((index) => inScope.has(index)),
            discountMinor,
            ...(detail.rewardPoints > 0n ? { points: toSafeNumber(detail.rewardPoints) } : {}),
            spendCountedMinor: toSafeNumber(detail.spendAddedMinor),
            progressMinor: toSafeNumber(detail.progressMinor),
          });
        } else if (detail.type === 'free_delivery') {
          effects.push({
            ...base,
            kind: 'free_delivery',
            ...describeFreeDelivery(campaign.name),
            lineIds: discounted,
            discountMinor,
          });
        }
        return;
      }
    }
  });
  return effects;
};
