import type { TFunction } from 'i18next';
import type { Campaign } from '../../lib/types';

/** One line that says what a campaign does, for the list. */
export function describeCampaign(t: TFunction, c: Campaign, money: (minor: number) => string): string {
  const e = c.effect as { type: string; multiplier?: string; points?: number; percent?: string };
  const effect =
    e.type === 'earn_multiplier'
      ? t('campaigns.effectMultiplier', { value: e.multiplier ?? '' })
      : e.type === 'bonus_points'
        ? t('campaigns.effectBonus', { value: e.points ?? 0 })
        : e.type === 'discount_percent'
          ? t('campaigns.effectDiscount', { value: e.percent ?? '' })
          : e.type;
  const parts = [effect];
  const cond = c.conditions;
  if (cond?.daysOfWeek?.length) parts.push(cond.daysOfWeek.map((d) => t(`days.d${d as 1}`)).join(', '));
  if (cond?.minAmountMinor) parts.push(t('campaigns.fromAmount', { amount: money(cond.minAmountMinor) }));
  if (cond?.categories?.length) parts.push(cond.categories.join(', '));
  if (cond?.skus?.length) parts.push(cond.skus.join(', '));
  if (cond?.coupon) parts.push(t('campaigns.withCoupon', { coupon: cond.coupon }));
  return parts.join(' · ');
}
