import type { TFunction } from 'i18next';
import type { Campaign } from './types';

type Effect = {
  type: string;
  multiplier?: string;
  points?: number;
  percent?: string;
  amountMinor?: number;
  pointsPerUnit?: string;
  priceMinor?: number;
  thresholdMinor?: number;
};

/** What a campaign's effect gives, in words ("points ×2"); an effect the app does not know reads as an offer. */
export function describeEffect(t: TFunction, effect: Effect, money: (minor: number) => string): string {
  switch (effect.type) {
    case 'earn_multiplier':
      return t('campaigns.effectMultiplier', { value: effect.multiplier ?? '' });
    case 'bonus_points':
      return t('campaigns.effectBonus', { value: effect.points ?? 0 });
    case 'discount_percent':
      return t('campaigns.effectDiscount', { value: effect.percent ?? '' });
    case 'discount_amount':
      return t('campaigns.effectDiscountAmount', { amount: money(effect.amountMinor ?? 0) });
    case 'earn_rate':
      return t('campaigns.effectEarnRate', { value: effect.pointsPerUnit ?? '' });
    case 'nth_item_free':
      return t('campaigns.effectItemFree');
    case 'bundle_price':
      return t('campaigns.effectBundle', { price: money(effect.priceMinor ?? 0) });
    case 'stamp':
      return t('campaigns.effectStamp');
    case 'threshold_reward':
      return t('campaigns.effectThreshold', { amount: money(effect.thresholdMinor ?? 0) });
    case 'free_delivery':
      return t('campaigns.effectFreeDelivery');
    case 'issue_coupon':
      return t('campaigns.effectCoupon');
    default:
      return t('campaigns.effectOther');
  }
}

/** One line that says what a campaign does, for the list. */
export function describeCampaign(
  t: TFunction,
  c: Pick<Campaign, 'effect' | 'conditions'>,
  money: (minor: number) => string,
): string {
  const parts = [describeEffect(t, c.effect as Effect, money)];
  const cond = c.conditions;
  if (cond?.daysOfWeek?.length) parts.push(cond.daysOfWeek.map((d) => t(`days.d${d as 1}`)).join(', '));
  if (cond?.minAmountMinor) parts.push(t('campaigns.fromAmount', { amount: money(cond.minAmountMinor) }));
  if (cond?.categories?.length) parts.push(cond.categories.join(', '));
  if (cond?.skus?.length) parts.push(cond.skus.join(', '));
  if (cond?.coupon) parts.push(t('campaigns.withCoupon', { coupon: cond.coupon }));
  return parts.join(' · ');
}
