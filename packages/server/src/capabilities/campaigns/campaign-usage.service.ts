import { computeLimitPeriodKey } from '@kopilka/domain/campaigns';
import type { CampaignUsage, ReceiptCalculation } from '@kopilka/domain/receipts';
import { normalizeCouponCode } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { Trx } from '../../platform/db';
import {
  consumeCoupons,
  findCouponsByCode,
  findSeries,
  issuePersonalCoupon,
  releaseCoupons,
  voidUnusedCoupon,
} from '../coupons/coupons.service';
import { emitEvent } from '../events/events.service';
import { getProgramAt } from '../program/program.service';
import { findCurrentDefinitions } from './campaign-catalog';
import { hasTotalLimit, memberScopeKey, TOTAL_SCOPE } from './campaign-pricing.service';

export type CampaignUsageResult = { ok: true } | { ok: false; exhaustedCampaignIds: string[] };

// Beyond any budget a person would set; stands in for "no limit" in the conditional updates.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

type Delta = { uses: number; points: number; money: number };
type Max = { uses: number; points: number; money: number };

/**
 * Adds `delta` to one counter row if the result stays within `max`; one statement, so the check
 * and the increment happen under the same row lock. PostgreSQL makes a concurrent upsert of the
 * same row wait for the first transaction and re-check the condition against the committed row,
 * so two tills can never both take the last use.
 */
async function bumpCounter(
  trx: Trx,
  tenantId: string,
  campaignId: string,
  scopeKey: string,
  delta: Delta,
  max: Max,
): Promise<boolean> {
  if (delta.uses > max.uses || delta.points > max.points || delta.money > max.money) return false;
  const result = await sql<{ uses: number }>`
    insert into campaign_counter as c (tenant_id, campaign_id, scope_key, uses, points, money_minor)
    values (${tenantId}, ${campaignId}, ${scopeKey}, ${delta.uses}, ${delta.points}, ${delta.money})
    on conflict (tenant_id, campaign_id, scope_key) do update
      set uses = c.uses + excluded.uses, points = c.points + excluded.points, money_minor = c.money_minor + excluded.money_minor
      where c.uses + excluded.uses <= ${max.uses}
        and c.points + excluded.points <= ${max.points}
        and c.money_minor + excluded.money_minor <= ${max.money}
    returning c.uses`.execute(trx);
  return result.rows.length > 0;
}

async function unbumpCounter(
  trx: Trx,
  tenantId: string,
  campaignId: string,
  scopeKey: string,
  delta: Delta,
): Promise<void> {
  await sql`
    update campaign_counter
    set uses = greatest(uses - ${delta.uses}, 0), points = greatest(points - ${delta.points}, 0), money_minor = greatest(money_minor - ${delta.money}, 0)
    where tenant_id = ${tenantId} and campaign_id = ${campaignId} and scope_key = ${scopeKey}`.execute(trx);
}

type Planned = { usage: CampaignUsage; memberScopeKey: string | null; releaseOnRefund: boolean };

/**
 * Inside the confirm transaction (after the member's accounts are locked): counts every applied
 * campaign against its limits and budgets, uses the coupons that unlocked them, and records what
 * was counted so a cancel can give it back. All of it happens after a savepoint; if any limit is
 * reached the savepoint is rolled back and the exhausted campaigns are returned, so the caller
 * can price the receipt again without them. Counter rows are locked in campaign-id order, then
 * coupons in code order, so concurrent confirms cannot deadlock on them.
 */
export async function recordUsage(
  trx: Trx,
  input: {
    tenantId: string;
    memberId: string | null;
    receiptId: string;
    calculation: ReceiptCalculation;
    now: Date;
  },
): Promise<CampaignUsageResult> {
  const { tenantId, memberId, calculation } = input;
  const usages = [...calculation.campaignUsage].sort((a, b) =>
    a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0,
  );
  if (usages.length === 0) return { ok: true };
  const definitions = await findCurrentDefinitions(
    trx,
    tenantId,
    usages.map((u) => u.campaignId),
  );
  const needsZone = usages.some((u) => definitions.get(u.campaignId)?.limits?.perMember);
  const timeZone = needsZone
    ? (await getProgramAt(trx, tenantId, calculation.occurredAt)).program.timezone
    : null;

  await sql`savepoint campaign_usage`.execute(trx);
  const exhausted = new Set<string>();
  const planned: Planned[] = [];
  for (const usage of usages) {
    const limits = definitions.get(usage.campaignId)?.limits ?? null;
    let scopeKey: string | null = null;
    if (hasTotalLimit(limits) && limits) {
      const ok = await bumpCounter(
        trx,
        tenantId,
        usage.campaignId,
        TOTAL_SCOPE,
        { uses: 1, points: usage.points, money: usage.discountMinor },
        {
          uses: limits.totalUses ?? NO_LIMIT,
          points: limits.pointsBudget ?? NO_LIMIT,
          money: limits.moneyBudgetMinor ?? NO_LIMIT,
        },
      );
      if (!ok) exhausted.add(usage.campaignId);
    }
    if (limits?.perMember) {
      if (memberId === null || timeZone === null) {
        exhausted.add(usage.campaignId);
      } else {
        scopeKey = memberScopeKey(
          memberId,
          computeLimitPeriodKey(limits.perMember.period, calculation.occurredAt, timeZone),
        );
        const ok = await bumpCounter(
          trx,
          tenantId,
          usage.campaignId,
          scopeKey,
          { uses: 1, points: 0, money: 0 },
          { uses: limits.perMember.uses, points: NO_LIMIT, money: NO_LIMIT },
        );
        if (!ok) exhausted.add(usage.campaignId);
      }
    }
    planned.push({ usage, memberScopeKey: scopeKey, releaseOnRefund: limits?.releaseOnRefund ?? true });
  }
  const coupons = usages.flatMap((u) => (u.coupon === null ? [] : [u.coupon]));
  if (exhausted.size === 0 && coupons.length > 0) {
    // A series-gated campaign may have been priced on the shape of a code alone: the code must
    // really be one of its series.
    const gated = usages.filter(
      (u) => u.coupon !== null && definitions.get(u.campaignId)?.conditions.couponSeriesId,
    );
    if (gated.length > 0) {
      const found = await findCouponsByCode(
        trx,
        tenantId,
        gated.map((u) => u.coupon ?? ''),
      );
      for (const u of gated) {
        const coupon = found.get(normalizeCouponCode(u.coupon ?? ''));
        if (!coupon || coupon.series.id !== definitions.get(u.campaignId)?.conditions.couponSeriesId)
          exhausted.add(u.campaignId);
      }
    }
  }
  if (exhausted.size === 0 && coupons.length > 0) {
    const consumed = await consumeCoupons(trx, {
      tenantId,
      codes: coupons,
      memberId,
      receiptId: input.receiptId,
      at: calculation.occurredAt,
      now: input.now,
    });
    if (!consumed.ok) {
      const failed = new Set(consumed.failedCodes);
      for (const u of usages)
        if (u.coupon !== null && failed.has(normalizeCouponCode(u.coupon))) exhausted.add(u.campaignId);
    }
  }
  if (exhausted.size > 0) {
    await sql`rollback to savepoint campaign_usage`.execute(trx);
    await sql`release savepoint campaign_usage`.execute(trx);
    return { ok: false, exhaustedCampaignIds: [...exhausted] };
  }
  await sql`release savepoint campaign_usage`.execute(trx);

  for (const { usage, memberScopeKey: scopeKey, releaseOnRefund } of planned) {
    if (memberId !== null && (usage.stamps > 0 || usage.spendMinor > 0)) {
      await sql`
        insert into campaign_member_state as s (tenant_id, campaign_id, member_id, stamps, spend_minor, updated_at)
        values (${tenantId}, ${usage.campaignId}, ${memberId}, ${usage.stamps}, ${usage.spendMinor}, ${input.now})
        on conflict (tenant_id, campaign_id, member_id) do update
          set stamps = s.stamps + excluded.stamps, spend_minor = s.spend_minor + excluded.spend_minor, updated_at = excluded.updated_at`.execute(
        trx,
      );
    }
    let issuedCode: string | null = null;
    if (memberId !== null && usage.issueCouponSeriesId !== null) {
      const series = await findSeries(trx, tenantId, usage.issueCouponSeriesId);
      if (series) {
        const coupon = await issuePersonalCoupon(trx, {
          tenantId,
          series,
          memberId,
          receiptId: input.receiptId,
          now: input.now,
        });
        issuedCode = coupon.code;
        await emitEvent(trx, {
          tenantId,
          type: 'coupon.issued',
          memberId,
          payload: {
            code: coupon.code,
            seriesId: series.id,
            memberId,
            campaignId: usage.campaignId,
            receiptId: input.receiptId,
            endsAt: coupon.ends_at?.toISOString() ?? null,
          },
          at: input.now,
        });
      }
    }
    await trx
      .insertInto('campaign_usage')
      .values({
        tenant_id: tenantId,
        receipt_id: input.receiptId,
        campaign_id: usage.campaignId,
        member_id: memberId,
        member_scope_key: scopeKey,
        uses: 1,
        points: usage.points,
        money_minor: usage.discountMinor,
        stamps: usage.stamps,
        spend_minor: usage.spendMinor,
        coupon_code: usage.coupon === null ? null : normalizeCouponCode(usage.coupon),
        issued_coupon_code: issuedCode,
        release_on_refund: releaseOnRefund,
        occurred_at: calculation.occurredAt,
        created_at: input.now,
        released_at: null,
      })
      .execute();
  }
  return { ok: true };
}

/**
 * Inside the cancel / refund transaction. Only a full reversal gives anything back: the member's
 * stamps and threshold progress, uses and budgets (unless the campaign keeps them), coupon uses,
 * and personal coupons the receipt issued that were not used yet. Runs once per receipt.
 */
export async function releaseUsage(
  trx: Trx,
  input: { tenantId: string; receiptId: string; fullyReversed: boolean; now: Date },
): Promise<void> {
  if (!input.fullyReversed) return;
  const { tenantId } = input;
  // Most receipts used no campaign or coupon: one read decides that.
  const anything = await sql<{ one: number }>`
    select 1 as one from campaign_usage where tenant_id = ${tenantId} and receipt_id = ${input.receiptId} and released_at is null
    union all
    select 1 from coupon_redemption where tenant_id = ${tenantId} and receipt_id = ${input.receiptId} and released_at is null
    limit 1`.execute(trx);
  if (anything.rows.length === 0) return;
  const rows = await trx
    .updateTable('campaign_usage')
    .set({ released_at: input.now })
    .where('tenant_id', '=', tenantId)
    .where('receipt_id', '=', input.receiptId)
    .where('released_at', 'is', null)
    .returningAll()
    .execute();
  rows.sort((a, b) => (a.campaign_id < b.campaign_id ? -1 : a.campaign_id > b.campaign_id ? 1 : 0));
  for (const row of rows) {
    if (row.release_on_refund) {
      await unbumpCounter(trx, tenantId, row.campaign_id, TOTAL_SCOPE, {
        uses: row.uses,
        points: row.points,
        money: row.money_minor,
      });
      if (row.member_scope_key !== null)
        await unbumpCounter(trx, tenantId, row.campaign_id, row.member_scope_key, {
          uses: row.uses,
          points: 0,
          money: 0,
        });
    }
    if (row.member_id !== null && (row.stamps > 0 || row.spend_minor > 0)) {
      await sql`
        update campaign_member_state
        set stamps = greatest(stamps - ${row.stamps}, 0), spend_minor = greatest(spend_minor - ${row.spend_minor}, 0), updated_at = ${input.now}
        where tenant_id = ${tenantId} and campaign_id = ${row.campaign_id} and member_id = ${row.member_id}`.execute(
        trx,
      );
    }
    if (row.issued_coupon_code !== null) await voidUnusedCoupon(trx, tenantId, row.issued_coupon_code);
  }
  await releaseCoupons(trx, { tenantId, receiptId: input.receiptId, now: input.now });
}
