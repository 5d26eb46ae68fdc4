import {
  campaignNeedsMember,
  computeLimitPeriodKey,
  memberMatchesAudience,
  toCampaign,
} from '@kopilka/domain/campaigns';
import { type Campaign, calculateReceipt, type ReceiptCalculation } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import { notFound } from '../../platform/errors';
import { getProgramAt } from '../program/program.service';
import { getCampaignOrThrow } from './campaign-admin.service';
import { findCampaignVersionsInForce, findCurrentDefinitions } from './campaign-catalog';

export const MAX_SIMULATED_RECEIPTS = 50_000;

export type SimulationResult = {
  campaignId: string;
  from: string;
  to: string;
  receiptsScanned: number;
  /** More receipts than MAX_SIMULATED_RECEIPTS fell in the window; the newest were scanned. */
  truncated: boolean;
  reached: { receipts: number; members: number; anonymousReceipts: number };
  cost: { discountMinor: number; points: number; pointsValueMinor: number };
  /** Receipts the campaign would have reached but its limits or budgets stopped. */
  stoppedByLimits: number;
};

type MutableFacts = { birthDate: string | null; joinedAt: Date; confirmedReceipts: number };

type StoredReceipt = {
  id: string;
  member_id: string | null;
  store_id: string | null;
  channel: string | null;
  occurred_at: Date;
  coupons: unknown;
};

/**
 * Runs a campaign (any status: typically a draft) over the confirmed receipts of the last `days`
 * days, in the order they happened, next to the campaigns that were in force at the time, and
 * reports whom it would have reached and what it would have cost: the extra discount and points
 * compared with the same receipts without it. Limits and budgets are counted along the way;
 * stamp and spend progress starts from zero at the window's start. Tiers and points payments are
 * left out (a tier's discount could make a campaign's percentage lose on some lines, so the
 * discount is an upper bound).
 */
export async function simulateCampaign(
  db: DbOrTrx,
  tenantId: string,
  campaignId: string,
  opts: { days: number; now: Date },
): Promise<SimulationResult> {
  await getCampaignOrThrow(db, tenantId, campaignId);
  const definition = (await findCurrentDefinitions(db, tenantId, [campaignId])).get(campaignId);
  if (!definition) throw notFound('Campaign', campaignId);
  const draft = toCampaign(campaignId, { ...definition, status: 'active' });
  const from = new Date(opts.now.getTime() - opts.days * 86_400_000);
  const receipts = (await db
    .selectFrom('receipt')
    .select(['id', 'member_id', 'store_id', 'channel', 'occurred_at', 'coupons'])
    .where('tenant_id', '=', tenantId)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<=', opts.now)
    .where('status', '<>', 'cancelled')
    .orderBy('occurred_at', 'desc')
    .limit(MAX_SIMULATED_RECEIPTS + 1)
    .execute()) as StoredReceipt[];
  const truncated = receipts.length > MAX_SIMULATED_RECEIPTS;
  const scanned = receipts.slice(0, MAX_SIMULATED_RECEIPTS).reverse();
  const linesByReceipt = await loadLines(
    db,
    tenantId,
    scanned.map((r) => r.id),
  );
  const facts = await loadFacts(
    db,
    tenantId,
    [...new Set(scanned.flatMap((r) => (r.member_id ? [r.member_id] : [])))],
    from,
  );

  const limits = definition.limits ?? null;
  const needsMember = campaignNeedsMember({ effect: draft.effect, audience: draft.audience ?? null });
  const state = new Map<string, { stamps: number; spendMinor: number }>();
  const perMemberUses = new Map<string, number>();
  const total = { uses: 0, points: 0, money: 0 };
  const reachedMembers = new Set<string>();
  const result: SimulationResult = {
    campaignId,
    from: from.toISOString(),
    to: opts.now.toISOString(),
    receiptsScanned: scanned.length,
    truncated,
    reached: { receipts: 0, members: 0, anonymousReceipts: 0 },
    cost: { discountMinor: 0, points: 0, pointsValueMinor: 0 },
    stoppedByLimits: 0,
  };

  for (const stored of scanned) {
    const at = stored.occurred_at;
    const { program } = await getProgramAt(db, tenantId, at);
    const others = (await findCampaignVersionsInForce(db, tenantId, at))
      .map((v) => v.campaign)
      .filter((c) => c.campaignId !== campaignId);
    const memberId = stored.member_id;
    const memberFacts = memberId ? facts.get(memberId) : undefined;
    let candidate: Campaign | null = draft;
    if (needsMember) {
      if (
        !memberId ||
        !memberFacts ||
        !memberMatchesAudience(draft.audience, memberFacts, at, program.timezone)
      )
        candidate = null;
      else {
        const s = state.get(memberId) ?? { stamps: 0, spendMinor: 0 };
        candidate = { ...draft, memberState: { memberId, ...s } };
      }
    }
    const coupons = couponsOf(stored.coupons);
    const lines = linesByReceipt.get(stored.id) ?? [];
    const price = (campaigns: Campaign[]): ReceiptCalculation | null => {
      const r = calculateReceipt({
        receipt: {
          receiptId: stored.id,
          occurredAt: at,
          storeId: stored.store_id,
          channel: stored.channel,
          lines,
          coupons,
          pointsToSpend: 0,
        },
        member: memberId ? { memberId, availablePoints: 0, tier: null } : null,
        program,
        campaigns,
        now: at,
      });
      return r.ok ? r.calculation : null;
    };
    const without = price(others);
    const withIt = candidate ? price([...others, candidate]) : null;
    if (memberFacts) memberFacts.confirmedReceipts += 1;
    if (!without || !withIt) continue;
    const usage = withIt.campaignUsage.find((u) => u.campaignId === campaignId);
    if (!usage) continue;
    const discountMinor = withIt.totals.discountMinor - without.totals.discountMinor;
    const points = withIt.totals.pointsEarned - without.totals.pointsEarned;
    const periodKey =
      limits?.perMember && memberId
        ? `${memberId}:${computeLimitPeriodKey(limits.perMember.period, at, program.timezone)}`
        : null;
    const overLimit =
      (limits?.perMember &&
        (periodKey === null || (perMemberUses.get(periodKey) ?? 0) >= limits.perMember.uses)) ||
      (limits?.totalUses != null && total.uses + 1 > limits.totalUses) ||
      (limits?.pointsBudget != null && total.points + usage.points > limits.pointsBudget) ||
      (limits?.moneyBudgetMinor != null && total.money + usage.discountMinor > limits.moneyBudgetMinor);
    if (overLimit) {
      result.stoppedByLimits += 1;
      continue;
    }
    total.uses += 1;
    total.points += usage.points;
    total.money += usage.discountMinor;
    if (periodKey !== null) perMemberUses.set(periodKey, (perMemberUses.get(periodKey) ?? 0) + 1);
    if (memberId && (usage.stamps > 0 || usage.spendMinor > 0)) {
      const s = state.get(memberId) ?? { stamps: 0, spendMinor: 0 };
      state.set(memberId, { stamps: s.stamps + usage.stamps, spendMinor: s.spendMinor + usage.spendMinor });
    }
    result.reached.receipts += 1;
    if (memberId) reachedMembers.add(memberId);
    else result.reached.anonymousReceipts += 1;
    result.cost.discountMinor += discountMinor;
    result.cost.points += points;
    result.cost.pointsValueMinor += points * program.pointValueMinor;
  }
  result.reached.members = reachedMembers.size;
  return result;
}

function couponsOf(stored: unknown): string[] {
  const value = stored as { applied?: unknown; unused?: unknown } | null;
  const list = [
    ...(Array.isArray(value?.applied) ? value.applied : []),
    ...(Array.isArray(value?.unused) ? value.unused : []),
  ];
  return list.filter((c): c is string => typeof c === 'string' && c.trim().length > 0);
}

async function loadLines(db: DbOrTrx, tenantId: string, receiptIds: string[]) {
  const byReceipt = new Map<
    string,
    { lineId: string; sku: string; category: string; quantity: string; amountMinor: number }[]
  >();
  for (let i = 0; i < receiptIds.length; i += 1000) {
    const chunk = receiptIds.slice(i, i + 1000);
    const rows = await db
      .selectFrom('receipt_line')
      .select(['receipt_id', 'line_id', 'sku', 'category', 'quantity_milli', 'amount_minor'])
      .where('tenant_id', '=', tenantId)
      .where('receipt_id', 'in', chunk)
      .orderBy('receipt_id')
      .orderBy('line_no')
      .execute();
    for (const row of rows) {
      const list = byReceipt.get(row.receipt_id) ?? [];
      list.push({
        lineId: row.line_id,
        sku: row.sku,
        category: row.category,
        quantity: (row.quantity_milli / 1000).toFixed(3),
        amountMinor: row.amount_minor,
      });
      byReceipt.set(row.receipt_id, list);
    }
  }
  return byReceipt;
}

async function loadFacts(
  db: DbOrTrx,
  tenantId: string,
  memberIds: string[],
  before: Date,
): Promise<Map<string, MutableFacts>> {
  const facts = new Map<string, MutableFacts>();
  for (let i = 0; i < memberIds.length; i += 1000) {
    const chunk = memberIds.slice(i, i + 1000);
    const members = await db
      .selectFrom('member')
      .select(['id', sql<string | null>`birth_date::text`.as('birth_date'), 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', chunk)
      .execute();
    const prior = await db
      .selectFrom('receipt')
      .select(['member_id', sql<number>`count(*)::int`.as('n')])
      .where('tenant_id', '=', tenantId)
      .where('member_id', 'in', chunk)
      .where('occurred_at', '<', before)
      .where('status', '<>', 'cancelled')
      .groupBy('member_id')
      .execute();
    const priorBy = new Map(prior.map((p) => [p.member_id, p.n]));
    for (const m of members)
      facts.set(m.id, {
        birthDate: m.birth_date,
        joinedAt: m.created_at,
        confirmedReceipts: priorBy.get(m.id) ?? 0,
      });
  }
  return facts;
}
