import { isoDayOfWeek } from '../time';
import type { Campaign } from './campaign';
import type { NormalizedLine, NormalizedReceipt } from './normalize-receipt';
import type { ParsedCampaign } from './parse-pricing-config';

export type CampaignMatch = ParsedCampaign & {
  /** Indexes of the lines the campaign's line filters select (all lines when it has none). */
  readonly lineIndexes: readonly number[];
  /** The receipt's coupon text that unlocked it, when the campaign needs one. */
  readonly coupon: string | null;
};

/** Promo codes are typed by cashiers and customers: compare without case and outer spaces. */
export const normalizeCouponCode = (code: string): string => code.trim().toUpperCase();

const isInWindow = (campaign: Campaign, at: Date): boolean =>
  (campaign.startsAt === null || campaign.startsAt.getTime() <= at.getTime()) &&
  (campaign.endsAt === null || at.getTime() < campaign.endsAt.getTime());

/** A line matches when every non-empty filter list contains its value (conditions are ANDed). */
export const lineMatchesCampaign = (
  line: Pick<NormalizedLine, 'sku' | 'category'>,
  campaign: Campaign,
): boolean =>
  (campaign.conditions.categories.length === 0 || campaign.conditions.categories.includes(line.category)) &&
  (campaign.conditions.skus.length === 0 || campaign.conditions.skus.includes(line.sku));

/**
 * Campaigns whose every condition holds for this receipt at its `occurredAt`: status active,
 * inside [startsAt, endsAt), receipt amount ≥ minAmountMinor, ISO weekday in the program's
 * time zone listed (or none listed), coupon carried, and at least one line passing the filters.
 */
export const matchCampaigns = (
  campaigns: readonly ParsedCampaign[],
  receipt: NormalizedReceipt,
  timeZone: string,
): CampaignMatch[] => {
  const dayOfWeek = isoDayOfWeek(receipt.occurredAt, timeZone);
  const couponsByCode = new Map<string, string>();
  for (const coupon of receipt.coupons) {
    const code = normalizeCouponCode(coupon);
    if (!couponsByCode.has(code)) couponsByCode.set(code, coupon);
  }
  const matches: CampaignMatch[] = [];
  for (const parsed of campaigns) {
    const { campaign } = parsed;
    const { conditions } = campaign;
    if (campaign.status !== 'active' || !isInWindow(campaign, receipt.occurredAt)) continue;
    if (receipt.amountMinor < BigInt(conditions.minAmountMinor)) continue;
    if (conditions.daysOfWeek.length > 0 && !conditions.daysOfWeek.includes(dayOfWeek)) continue;
    const requiredCoupon =
      conditions.coupon === null || conditions.coupon.trim() === ''
        ? null
        : normalizeCouponCode(conditions.coupon);
    const coupon = requiredCoupon === null ? null : (couponsByCode.get(requiredCoupon) ?? null);
    if (requiredCoupon !== null && coupon === null) continue;
    const lineIndexes = receipt.lines
      .filter((line) => lineMatchesCampaign(line, campaign))
      .map((line) => line.index);
    if (lineIndexes.length === 0) continue;
    matches.push({ ...parsed, lineIndexes, coupon });
  }
  return matches;
};
