import type { CampaignDefinition } from '@kopilka/domain/campaigns';
import type { DbOrTrx } from '../../platform/db';
import { findCampaignVersionsInForce, findCurrentDefinitions } from '../campaigns/campaign-catalog';
import { findCampaignsForReceipt } from '../campaigns/campaign-pricing.service';
import { checkReceiptCoupons, findCouponsByCode } from '../coupons/coupons.service';
import { findMemberTierView } from '../tiers/tiers.service';

// What the member cabinet shows under "My offers": the campaigns running now that this member
// would get at the till (audience, tier, budgets and per-member limits checked as a receipt would),
// and the personal coupons issued to them, each with whether it may be used now and what it unlocks.

export type OfferCampaign = {
  campaignId: string;
  name: string;
  startsAt: string | null;
  endsAt: string | null;
  conditions: CampaignDefinition['conditions'];
  effect: CampaignDefinition['effect'];
};

export type OfferCoupon = {
  code: string;
  seriesName: string;
  uses: number;
  maxUses: number | null;
  startsAt: string | null;
  endsAt: string | null;
  valid: boolean;
  /** Why it may not be used now: not_yet_valid, expired, used_up, member_limit_reached… */
  reason: string | null;
  /** The running campaigns the coupon unlocks. */
  campaigns: { campaignId: string; name: string; effect: CampaignDefinition['effect'] }[];
};

const MAX_COUPONS = 100;

function offerOf(campaignId: string, d: CampaignDefinition): OfferCampaign {
  return {
    campaignId,
    name: d.name,
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    conditions: d.conditions,
    effect: d.effect,
  };
}

export async function listCabinetOffers(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  now: Date,
): Promise<{ campaigns: OfferCampaign[]; coupons: OfferCoupon[] }> {
  const [applicable, tier, inForce] = await Promise.all([
    findCampaignsForReceipt(db, tenantId, now, { memberId, coupons: [] }),
    findMemberTierView(db, tenantId, memberId, now),
    findCampaignVersionsInForce(db, tenantId, now),
  ]);
  // The tier audience is otherwise checked by the receipt calculation itself.
  const forMember = applicable.filter(
    (c) => !c.audience?.tiers?.length || (tier !== null && c.audience.tiers.includes(tier.code)),
  );
  const definitions = await findCurrentDefinitions(
    db,
    tenantId,
    forMember.map((c) => c.campaignId),
  );
  const campaigns = forMember.flatMap((c) => {
    const d = definitions.get(c.campaignId);
    return d ? [offerOf(c.campaignId, d)] : [];
  });

  const rows = await db
    .selectFrom('coupon')
    .select('code')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'active')
    .orderBy('created_at', 'desc')
    .limit(MAX_COUPONS)
    .execute();
  const codes = rows.map((r) => r.code);
  const [found, checks] = await Promise.all([
    findCouponsByCode(db, tenantId, codes),
    checkReceiptCoupons(db, tenantId, codes, memberId, now),
  ]);
  const coupons: OfferCoupon[] = [];
  for (const code of codes) {
    const f = found.get(code);
    if (!f) continue;
    const check = checks.get(code);
    coupons.push({
      code,
      seriesName: f.series.name,
      uses: f.coupon.uses,
      maxUses: f.coupon.max_uses,
      startsAt: (f.coupon.starts_at ?? f.series.starts_at)?.toISOString() ?? null,
      endsAt: (f.coupon.ends_at ?? f.series.ends_at)?.toISOString() ?? null,
      valid: check?.ok ?? false,
      reason: check && !check.ok ? check.reason : null,
      campaigns: inForce
        .filter((v) => v.definition.conditions.couponSeriesId === f.series.id)
        .map((v) => ({
          campaignId: v.campaign.campaignId,
          name: v.definition.name,
          effect: v.definition.effect,
        })),
    });
  }
  return { campaigns, coupons };
}
