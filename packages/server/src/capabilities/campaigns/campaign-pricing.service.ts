import {
  type CampaignDefinition,
  campaignNeedsMember,
  computeLimitPeriodKey,
  type MemberFacts,
  memberMatchesAudience,
} from '@kopilka/domain/campaigns';
import { type Campaign, type CampaignLimits, normalizeCouponCode } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import { type CouponCheck, checkReceiptCoupons } from '../coupons/coupons.service';
import { getProgramAt } from '../program/program.service';
import { type CatalogVersion, findCampaignVersionsInForce } from './campaign-catalog';

/** What the campaigns of a receipt depend on beyond the tenant and the instant. */
export type CampaignReceiptContext = {
  /** The member the receipt earns for (null = anonymous, or a member who may not earn). */
  readonly memberId: string | null;
  /** The receipt's `coupons`, as sent. */
  readonly coupons?: readonly string[];
};

export const TOTAL_SCOPE = 'total';

export function hasTotalLimit(limits: CampaignLimits | null | undefined): boolean {
  return Boolean(
    limits && (limits.totalUses != null || limits.pointsBudget != null || limits.moneyBudgetMinor != null),
  );
}

/** Where a member's per-member limit counters start: `member:<id>:` (ids hold no colon). */
export function memberScopePrefix(memberId: string): string {
  return `member:${memberId}:`;
}

export function memberScopeKey(memberId: string, periodKey: string): string {
  return `${memberScopePrefix(memberId)}${periodKey}`;
}

type Counter = { uses: number; points: number; money_minor: number };

function totalExhausted(limits: CampaignLimits | null, counter: Counter | undefined): boolean {
  if (!limits || !counter) return false;
  return (
    (limits.totalUses != null && counter.uses >= limits.totalUses) ||
    (limits.pointsBudget != null && counter.points >= limits.pointsBudget) ||
    (limits.moneyBudgetMinor != null && counter.money_minor >= limits.moneyBudgetMinor)
  );
}

async function readCounters(
  db: DbOrTrx,
  tenantId: string,
  keys: { campaignId: string; scopeKey: string }[],
): Promise<Map<string, Counter>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('campaign_counter')
    .select(['campaign_id', 'scope_key', 'uses', 'points', 'money_minor'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or(
        keys.map((k) => eb.and([eb('campaign_id', '=', k.campaignId), eb('scope_key', '=', k.scopeKey)])),
      ),
    )
    .execute();
  return new Map(rows.map((r) => [`${r.campaign_id}|${r.scope_key}`, r]));
}

async function readMemberFacts(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  needsReceipts: boolean,
): Promise<MemberFacts | null> {
  const member = await db
    .selectFrom('member')
    .select([sql<string | null>`birth_date::text`.as('birth_date'), 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  if (!member) return null;
  let confirmedReceipts = 0;
  if (needsReceipts) {
    const row = await db
      .selectFrom('receipt')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', memberId)
      .where('status', '<>', 'cancelled')
      .executeTakeFirst();
    confirmedReceipts = row?.n ?? 0;
  }
  return { birthDate: member.birth_date, joinedAt: member.created_at, confirmedReceipts };
}

/**
 * The campaigns that may apply to a receipt at `at`, as this member sees them. Exhausted budgets
 * are left out so a preview does not promise what confirm cannot give (confirm still counts
 * atomically). Without a context only campaigns that need nothing about the member are returned.
 */
export async function findCampaignsForReceipt(
  db: DbOrTrx,
  tenantId: string,
  at: Date,
  context?: CampaignReceiptContext,
): Promise<Campaign[]> {
  const versions = await findCampaignVersionsInForce(db, tenantId, at);
  if (versions.length === 0) return [];
  const memberId = context?.memberId ?? null;
  const needsPeriod = memberId !== null && versions.some((v) => v.definition.limits?.perMember);
  const timeZone = needsPeriod ? (await getProgramAt(db, tenantId, at)).program.timezone : null;
  const counterKeys: { campaignId: string; scopeKey: string }[] = [];
  for (const v of versions) {
    const limits = v.definition.limits;
    if (hasTotalLimit(limits)) counterKeys.push({ campaignId: v.campaign.campaignId, scopeKey: TOTAL_SCOPE });
    if (limits?.perMember && memberId !== null && timeZone !== null) {
      counterKeys.push({
        campaignId: v.campaign.campaignId,
        scopeKey: memberScopeKey(memberId, computeLimitPeriodKey(limits.perMember.period, at, timeZone)),
      });
    }
  }
  const counters = await readCounters(db, tenantId, counterKeys);

  let candidates: CatalogVersion[] = versions.filter((v) => {
    const { limits } = v.definition;
    const id = v.campaign.campaignId;
    if (totalExhausted(limits, counters.get(`${id}|${TOTAL_SCOPE}`))) return false;
    if (limits?.perMember && context) {
      // Per-member limits can only be counted for identified members. Without a context the
      // member is unknown here; confirm counts (and refuses anonymous receipts) all the same.
      if (memberId === null || timeZone === null) return false;
      const used = counters.get(
        `${id}|${memberScopeKey(memberId, computeLimitPeriodKey(limits.perMember.period, at, timeZone))}`,
      );
      if (used && used.uses >= limits.perMember.uses) return false;
    }
    return true;
  });
  // Without a context, series-gated campaigns carry the series' code shape (see the catalog) and
  // confirm checks the code itself.
  if (!context) return candidates.filter((v) => !campaignNeedsMember(v.definition)).map((v) => v.campaign);

  const personal = candidates.filter((v) => campaignNeedsMember(v.definition));
  const withState = new Map<string, Campaign>();
  if (personal.length > 0) {
    if (memberId === null) {
      candidates = candidates.filter((v) => !campaignNeedsMember(v.definition));
    } else {
      const facts = await readMemberFacts(
        db,
        tenantId,
        memberId,
        personal.some((v) => v.definition.audience?.firstPurchase),
      );
      const timeZoneForAudience = (await getProgramAt(db, tenantId, at)).program.timezone;
      const states = await db
        .selectFrom('campaign_member_state')
        .select(['campaign_id', 'stamps', 'spend_minor'])
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', memberId)
        .where(
          'campaign_id',
          'in',
          personal.map((v) => v.campaign.campaignId),
        )
        .execute();
      const stateById = new Map(states.map((s) => [s.campaign_id, s]));
      for (const v of personal) {
        const id = v.campaign.campaignId;
        if (facts === null || !memberMatchesAudience(v.definition.audience, facts, at, timeZoneForAudience))
          continue;
        const state = stateById.get(id);
        withState.set(id, {
          ...v.campaign,
          memberState: { memberId, stamps: state?.stamps ?? 0, spendMinor: state?.spend_minor ?? 0 },
        });
      }
      candidates = candidates.filter(
        (v) => !campaignNeedsMember(v.definition) || withState.has(v.campaign.campaignId),
      );
    }
  }

  const receiptCoupons = context.coupons ?? [];
  const needsCoupons =
    receiptCoupons.length > 0 &&
    candidates.some((v) => v.definition.conditions.coupon || v.definition.conditions.couponSeriesId);
  const checks: Map<string, CouponCheck> = needsCoupons
    ? await checkReceiptCoupons(db, tenantId, receiptCoupons, memberId, at)
    : new Map();
  const result: Campaign[] = [];
  for (const v of candidates) {
    const base = withState.get(v.campaign.campaignId) ?? v.campaign;
    const resolved = resolveCoupon(v.definition, base, receiptCoupons, checks);
    if (resolved) result.push(resolved);
  }
  return result;
}

/**
 * A series-gated campaign takes the first of the receipt's codes that is valid and of its series;
 * a campaign with a plain promo code is dropped when that code is a managed coupon that may not be
 * used now (expired, used up, someone else's…).
 */
function resolveCoupon(
  definition: CampaignDefinition,
  campaign: Campaign,
  receiptCoupons: readonly string[],
  checks: Map<string, CouponCheck>,
): Campaign | null {
  const { coupon, couponSeriesId } = definition.conditions;
  if (couponSeriesId) {
    const sent = receiptCoupons.find((code) => {
      const check = checks.get(normalizeCouponCode(code));
      return check?.ok === true && check.seriesId === couponSeriesId;
    });
    return sent === undefined
      ? null
      : { ...campaign, conditions: { ...campaign.conditions, coupon: sent, couponPattern: null } };
  }
  if (coupon) {
    const check = checks.get(normalizeCouponCode(coupon));
    if (check && !check.ok) return null;
  }
  return campaign;
}
