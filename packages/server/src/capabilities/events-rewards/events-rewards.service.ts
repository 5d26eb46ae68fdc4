import {
  computeLimitPeriodKey,
  type EventRewardRule,
  isBirthdayOn,
  normalizeEventRewardRules,
} from '@kopilka/domain/campaigns';
import { addLocalDays, endOfLocalMonth, localDate } from '@kopilka/domain/time';
import { sql } from 'kysely';
import type { Db, DbOrTrx, Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Principal } from '../../platform/principal';
import { actorOf, recordAudit } from '../audit/audit.service';
import { findSeries, issuePersonalCoupon } from '../coupons/coupons.service';
import { emitEvent } from '../events/events.service';
import { accrueToWallet, createInternalOperation, walletBalance } from '../ledger/ledger.service';
import { openWallet, POINTS } from '../ledger/wallet.service';
import { getProgramAt } from '../program/program.service';
import type { EventRewardRuleRow, MemberEventRow } from './events-rewards.table';

export function ruleView(r: EventRewardRuleRow): EventRewardRule & { ruleId: string } {
  return {
    ruleId: r.id,
    eventType: r.event_type,
    name: r.name,
    points: r.points,
    couponSeriesId: r.coupon_series_id,
    couponValidity: r.coupon_validity === 'end_of_month' ? 'end_of_month' : 'series',
    maxPerMember: r.max_per_member,
    period: r.period as EventRewardRule['period'],
    active: r.active,
  };
}

export async function listRules(db: DbOrTrx, tenantId: string) {
  const rows = await db
    .selectFrom('event_reward_rule')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('position')
    .execute();
  return rows.map(ruleView);
}

/** PUT: the rules replace the previous ones (one per event type). Audited. */
export async function replaceRules(
  trx: Trx,
  principal: Principal,
  input: unknown,
  ctx: { now: Date; requestId?: string },
) {
  const result = normalizeEventRewardRules(input);
  if (!result.ok) {
    throw new AppError(
      'validation_failed',
      `The event rewards are invalid: ${result.problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
      result.problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    );
  }
  const tenantId = principal.tenantId;
  for (const [index, rule] of result.value.entries()) {
    if (rule.couponSeriesId === null) continue;
    const series = await findSeries(trx, tenantId, rule.couponSeriesId);
    if (series?.kind !== 'personal') {
      throw new AppError(
        'validation_failed',
        `rules.${index}.couponSeriesId must name a personal coupon series.`,
        [{ field: `body.rules.${index}.couponSeriesId`, message: 'must name a personal coupon series' }],
      );
    }
  }
  await trx.deleteFrom('event_reward_rule').where('tenant_id', '=', tenantId).execute();
  if (result.value.length > 0) {
    await trx
      .insertInto('event_reward_rule')
      .values(
        result.value.map((rule, position) => ({
          tenant_id: tenantId,
          id: newId('evr'),
          event_type: rule.eventType,
          name: rule.name,
          points: rule.points,
          coupon_series_id: rule.couponSeriesId,
          coupon_validity: rule.couponValidity,
          max_per_member: rule.maxPerMember,
          period: rule.period,
          active: rule.active,
          position,
          created_at: ctx.now,
        })),
      )
      .execute();
  }
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'event_rewards.replaced',
    targetType: 'event_rewards',
    targetId: tenantId,
    details: { rules: result.value },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  return listRules(trx, tenantId);
}

export type MemberEventView = {
  eventId: string;
  memberId: string;
  type: string;
  occurredAt: string;
  outcome: string;
  points: number;
  couponCode: string | null;
  ruleId: string | null;
};

export function eventView(row: MemberEventRow): MemberEventView {
  return {
    eventId: row.id,
    memberId: row.member_id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    outcome: row.outcome,
    points: row.points,
    couponCode: row.coupon_code,
    ruleId: row.rule_id,
  };
}

/**
 * Records an event of a member and gives the reward its rule sets, at most once per
 * (member, type, dedupeKey) and within the rule's cap per period. The member's accounts are
 * locked first, so two copies of one event, or two events racing for the last allowed reward,
 * are decided one after the other.
 */
export async function recordMemberEvent(
  trx: Trx,
  input: {
    tenantId: string;
    memberId: string;
    type: string;
    dedupeKey: string;
    occurredAt: Date;
    attributes: Record<string, unknown>;
    now: Date;
  },
): Promise<{ event: MemberEventView; replayed: boolean; balance: { available: number; pending: number } }> {
  const { tenantId, memberId } = input;
  let wallet = await openWallet(trx, { tenantId, memberId, currency: POINTS }, { now: input.now });
  const existing = await trx
    .selectFrom('member_event')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('type', '=', input.type)
    .where('dedupe_key', '=', input.dedupeKey)
    .executeTakeFirst();
  const balanceOf = () => {
    const b = walletBalance(wallet, input.now);
    return { available: b.available, pending: b.pending };
  };
  if (existing) return { event: eventView(existing), replayed: true, balance: balanceOf() };

  const ruleRow = await trx
    .selectFrom('event_reward_rule')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('event_type', '=', input.type)
    .where('active', '=', true)
    .executeTakeFirst();
  const rule = ruleRow ? ruleView(ruleRow) : null;
  const { program } = await getProgramAt(trx, tenantId, input.occurredAt);
  let outcome: MemberEventRow['outcome'] = 'no_rule';
  let points = 0;
  let couponCode: string | null = null;
  let periodKey: string | null = null;
  if (rule) {
    periodKey = computeLimitPeriodKey(rule.period, input.occurredAt, program.timezone);
    const rewarded = await trx
      .selectFrom('member_event')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', memberId)
      .where('type', '=', input.type)
      .where('period_key', '=', periodKey)
      .where('outcome', '=', 'rewarded')
      .executeTakeFirst();
    if (rule.maxPerMember !== null && (rewarded?.n ?? 0) >= rule.maxPerMember) outcome = 'capped';
    else {
      outcome = 'rewarded';
      if (rule.points > 0) {
        const operationId = await createInternalOperation(trx, tenantId, 'event.reward');
        const expiresAt =
          program.earn.expiryDays === null
            ? null
            : addLocalDays(input.now, program.earn.expiryDays, program.timezone);
        const earned = await accrueToWallet(
          trx,
          wallet,
          { points: rule.points, activatesAt: input.now, expiresAt },
          { operationId, now: input.now, reason: rule.name },
        );
        wallet = earned.wallet;
        points = rule.points;
      }
      if (rule.couponSeriesId) {
        const series = await findSeries(trx, tenantId, rule.couponSeriesId);
        if (series) {
          const coupon = await issuePersonalCoupon(trx, {
            tenantId,
            series,
            memberId,
            receiptId: null,
            now: input.now,
            ...(rule.couponValidity === 'end_of_month'
              ? { endsAt: endOfLocalMonth(input.occurredAt, program.timezone) }
              : {}),
          });
          couponCode = coupon.code;
        }
      }
    }
  }
  const row = await trx
    .insertInto('member_event')
    .values({
      tenant_id: tenantId,
      id: newId('evt'),
      member_id: memberId,
      type: input.type,
      dedupe_key: input.dedupeKey,
      occurred_at: input.occurredAt,
      attributes: sql`${JSON.stringify(input.attributes)}::jsonb`,
      rule_id: ruleRow?.id ?? null,
      period_key: periodKey,
      points,
      coupon_code: couponCode,
      outcome,
      created_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (outcome === 'rewarded') {
    await emitEvent(trx, {
      tenantId,
      type: 'member.event_rewarded',
      memberId,
      payload: eventView(row),
      at: input.now,
    });
  }
  return { event: eventView(row), replayed: false, balance: balanceOf() };
}

export async function listMemberEvents(db: DbOrTrx, tenantId: string, memberId: string, limit: number) {
  const rows = await db
    .selectFrom('member_event')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(eventView);
}

async function tenantsWithRule(db: Db, eventType: string): Promise<string[]> {
  const rows = await db
    .selectFrom('event_reward_rule')
    .select('tenant_id')
    .where('event_type', '=', eventType)
    .where('active', '=', true)
    .execute();
  return rows.map((r) => r.tenant_id);
}

const JOB_BATCH = 500;

/** Welcome rewards for members who joined in the last week and have none yet. */
export async function runWelcomeRewards(db: Db, at: Date): Promise<number> {
  let processed = 0;
  for (const tenantId of await tenantsWithRule(db, 'welcome')) {
    const members = await db
      .selectFrom('member as m')
      .select(['m.id', 'm.created_at'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.status', '=', 'active')
      .where('m.created_at', '>=', new Date(at.getTime() - 7 * 86_400_000))
      .where('m.created_at', '<=', at)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('member_event as e')
              .select('e.id')
              .whereRef('e.tenant_id', '=', 'm.tenant_id')
              .whereRef('e.member_id', '=', 'm.id')
              .where('e.type', '=', 'welcome'),
          ),
        ),
      )
      .limit(JOB_BATCH)
      .execute();
    for (const m of members) {
      await db.transaction().execute((trx) =>
        recordMemberEvent(trx, {
          tenantId,
          memberId: m.id,
          type: 'welcome',
          dedupeKey: 'once',
          occurredAt: m.created_at,
          attributes: { source: 'job' },
          now: at,
        }),
      );
      processed += 1;
    }
  }
  return processed;
}

/** Birthday rewards on the member's birthday (program time zone), once a year. */
export async function runBirthdayRewards(db: Db, at: Date): Promise<number> {
  let processed = 0;
  for (const tenantId of await tenantsWithRule(db, 'birthday')) {
    const { program } = await getProgramAt(db, tenantId, at);
    const today = localDate(at, program.timezone);
    const monthDay = today.slice(5);
    const candidates = monthDay === '02-28' ? ['02-28', '02-29'] : [monthDay];
    const members = await db
      .selectFrom('member as m')
      .select(['m.id', sql<string>`m.birth_date::text`.as('birth_date')])
      .where('m.tenant_id', '=', tenantId)
      .where('m.status', '=', 'active')
      .where(sql<string>`to_char(m.birth_date, 'MM-DD')`, 'in', candidates)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('member_event as e')
              .select('e.id')
              .whereRef('e.tenant_id', '=', 'm.tenant_id')
              .whereRef('e.member_id', '=', 'm.id')
              .where('e.type', '=', 'birthday')
              .where('e.dedupe_key', '=', `birthday:${today.slice(0, 4)}`),
          ),
        ),
      )
      .limit(JOB_BATCH)
      .execute();
    for (const m of members) {
      if (!isBirthdayOn(m.birth_date, today)) continue;
      await db.transaction().execute((trx) =>
        recordMemberEvent(trx, {
          tenantId,
          memberId: m.id,
          type: 'birthday',
          dedupeKey: `birthday:${today.slice(0, 4)}`,
          occurredAt: at,
          attributes: { source: 'job' },
          now: at,
        }),
      );
      processed += 1;
    }
  }
  return processed;
}
