import { matchesCouponPattern } from '../campaigns/coupon-code';
import { getLocalParts, isoDayOfWeek } from '../time';
import type { Campaign, CampaignMemberState } from './campaign';
import type { NormalizedLine, NormalizedReceipt } from './normalize-receipt';
import type { ParsedCampaign } from './parse-pricing-config';

export type CampaignMatch = ParsedCampaign & {
  /** Indexes of the lines the campaign's line filters select (all lines when it has none). */
  readonly lineIndexes: readonly number[];
  /** The receipt's coupon text that unlocked it, when the campaign needs one. */
  readonly coupon: string | null;
  /** The member's state for campaigns that need it (stamps, thresholds); null otherwise. */
  readonly memberState: CampaignMemberState | null;
};

/** Who the receipt is for, as far as matching needs it; null = anonymous. */
export type MatchMember = { readonly memberId: string; readonly tierCode: string | null } | null;

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

const isInHours = (hours: { from: number; to: number }, minuteOfDay: number): boolean =>
  hours.from < hours.to
    ? minuteOfDay >= hours.from && minuteOfDay < hours.to
    : minuteOfDay >= hours.from || minuteOfDay < hours.to;

const audienceAdmits = (campaign: Campaign, member: MatchMember, needsMemberState: boolean): boolean => {
  const audience = campaign.audience;
  if (!audience) return true;
  const tiers = audience.tiers ?? [];
  const needsMember = audience.membersOnly === true || tiers.length > 0 || needsMemberState;
  if (needsMember && member === null) return false;
  if (tiers.length > 0 && (member?.tierCode === null || !tiers.includes(member?.tierCode ?? '')))
    return false;
  return true;
};

/**
 * Within an exclusive group only the first campaign (priority order) applies; a campaign that
 * stops further campaigns hides every campaign after it. Both look at matches only, so a
 * campaign whose conditions fail never hides another.
 */
const applyStacking = (matches: readonly CampaignMatch[]): CampaignMatch[] => {
  const kept: CampaignMatch[] = [];
  const takenGroups = new Set<string>();
  for (const match of matches) {
    const stacking = match.campaign.stacking;
    const group = stacking?.exclusiveGroup ?? null;
    if (group !== null && group !== '') {
      if (takenGroups.has(group)) continue;
      takenGroups.add(group);
    }
    kept.push(match);
    if (stacking?.stopFurther === true) break;
  }
  return kept;
};

/**
 * Campaigns whose every condition holds for this receipt at its `occurredAt`: status active,
 * inside [startsAt, endsAt), receipt amount ≥ minAmountMinor, ISO weekday and hour in the
 * program's time zone listed (or none listed), store and channel in scope, audience admitted,
 * coupon carried, at least one line passing the filters (with at least `minQuantity` of them),
 * and the member's state present when the campaign needs it. Stacking rules run last.
 */
export const matchCampaigns = (
  campaigns: readonly ParsedCampaign[],
  receipt: NormalizedReceipt,
  timeZone: string,
  member: MatchMember = null,
): CampaignMatch[] => {
  const dayOfWeek = isoDayOfWeek(receipt.occurredAt, timeZone);
  let minuteOfDay: number | null = null;
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
    if (receipt.amountMinor < parsed.minAmountMinor) continue;
    if (conditions.daysOfWeek.length > 0 && !conditions.daysOfWeek.includes(dayOfWeek)) continue;
    if (parsed.hours !== null) {
      if (minuteOfDay === null) {
        const local = getLocalParts(receipt.occurredAt, timeZone);
        minuteOfDay = local.hour * 60 + local.minute;
      }
      if (!isInHours(parsed.hours, minuteOfDay)) continue;
    }
    const scope = campaign.scope;
    if (scope?.storeIds && scope.storeIds.length > 0 && !scope.storeIds.includes(receipt.storeId ?? ''))
      continue;
    if (scope?.channels && scope.channels.length > 0 && !scope.channels.includes(receipt.channel)) continue;
    if (!audienceAdmits(campaign, member, parsed.needsMemberState)) continue;
    let memberState: CampaignMemberState | null = null;
    if (parsed.needsMemberState) {
      // State handed over for another member must never leak into this receipt.
      const state = campaign.memberState ?? null;
      if (state === null || member === null || state.memberId !== member.memberId) continue;
      memberState = state;
    }
    const { requiredCoupon } = parsed;
    let coupon = requiredCoupon === null ? null : (couponsByCode.get(requiredCoupon) ?? null);
    if (requiredCoupon !== null && coupon === null) continue;
    if (requiredCoupon === null && conditions.couponSeriesId) {
      // A series-gated campaign arrives with `coupon` set to the receipt's checked code, or with
      // the series' pattern to look for (checked at confirm).
      const pattern = conditions.couponPattern ?? null;
      coupon =
        pattern === null
          ? null
          : (receipt.coupons.find((code) => matchesCouponPattern(code, pattern)) ?? null);
      if (coupon === null) continue;
    }
    const lineIndexes: number[] = [];
    let quantityMilli = 0n;
    for (const line of receipt.lines) {
      if (!lineMatchesCampaign(line, campaign)) continue;
      lineIndexes.push(line.index);
      quantityMilli += line.quantityMilli;
    }
    if (lineIndexes.length === 0) continue;
    if (parsed.minQuantityMilli !== null && quantityMilli < parsed.minQuantityMilli) continue;
    matches.push({ ...parsed, lineIndexes, coupon, memberState });
  }
  return applyStacking(matches);
};
