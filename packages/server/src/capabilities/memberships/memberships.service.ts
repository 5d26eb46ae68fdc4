import { type Benefits, computeDividendPoints, computeMembershipPeriodEnd } from '@kopilka/domain/tiers';
import { addLocalDays } from '@kopilka/domain/time';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import { isUniqueViolation } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { runIdempotent } from '../../platform/idempotency';
import { newId } from '../../platform/ids';
import type { Principal } from '../../platform/principal';
import { actorOf, recordAudit } from '../audit/audit.service';
import { emitEvent } from '../events/events.service';
import { accrueToWallet } from '../ledger/ledger.service';
import { openWallet, POINTS } from '../ledger/wallet.service';
import { getMemberOrThrow } from '../members/members.service';
import { getProgramAt } from '../program/program.service';
import { auditCtx, type Ctx, getPlanRowOrThrow, tenantHasPlans } from './membership-plans.service';
import type { CancelInput, MembershipView, RenewalInput, SubscribeInput } from './memberships.schemas';
import type { MembershipPaymentRow, MembershipRow } from './memberships.table';

// ---------------------------------------------------------------------------------------------
// Benefits (read on every receipt through tiers.findMemberTier)

export type MembershipBenefits = Benefits & {
  membershipId: string;
  status: string;
  currentPeriodEnd: string | null;
};

function covers(m: Pick<MembershipRow, 'current_period_start' | 'current_period_end'>, at: Date): boolean {
  return m.current_period_start <= at && (m.current_period_end === null || m.current_period_end > at);
}

/**
 * The plan benefits of the membership whose period covers `at` (an exclusive end: a period that
 * ended unpaid gives nothing from that instant, even before the renewal job marks it expired).
 */
export async function findMembershipBenefits(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  at: Date,
): Promise<MembershipBenefits | null> {
  if (!(await tenantHasPlans(db, tenantId))) return null;
  const row = await db
    .selectFrom('membership as m')
    .innerJoin('membership_plan as p', (j) =>
      j.onRef('p.tenant_id', '=', 'm.tenant_id').onRef('p.id', '=', 'm.plan_id'),
    )
    .select([
      'm.id',
      'm.status',
      'm.current_period_end',
      'p.code',
      'p.name',
      'p.discount_percent',
      'p.earn_multiplier',
      'p.perks',
      'p.max_points_percent',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.member_id', '=', memberId)
    .where('m.current_period_start', '<=', at)
    .where((eb) => eb.or([eb('m.current_period_end', 'is', null), eb('m.current_period_end', '>', at)]))
    .orderBy('m.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    code: row.code,
    name: row.name,
    discountPercent: row.discount_percent,
    earnMultiplier: row.earn_multiplier,
    perks: row.perks,
    maxPointsPercent: row.max_points_percent,
    membershipId: row.id,
    status: row.status,
    currentPeriodEnd: row.current_period_end ? row.current_period_end.toISOString() : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Memberships

async function membershipView(db: DbOrTrx, row: MembershipRow, now: Date): Promise<MembershipView> {
  const [plan, payments] = await Promise.all([
    db
      .selectFrom('membership_plan')
      .select(['code', 'name'])
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.plan_id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('membership_payment')
      .selectAll()
      .where('tenant_id', '=', row.tenant_id)
      .where('membership_id', '=', row.id)
      .orderBy('paid_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
  ]);
  return {
    membershipId: row.id,
    memberId: row.member_id,
    planId: row.plan_id,
    planCode: plan.code,
    planName: plan.name,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    currentPeriodStart: row.current_period_start.toISOString(),
    currentPeriodEnd: row.current_period_end ? row.current_period_end.toISOString() : null,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    cancelledAt: row.cancelled_at ? row.cancelled_at.toISOString() : null,
    endedAt: row.ended_at ? row.ended_at.toISOString() : null,
    benefitsActive: covers(row, now),
    payments: payments.map(paymentView),
  };
}

function paymentView(p: MembershipPaymentRow) {
  return {
    paymentId: p.id,
    kind: p.kind,
    paymentReference: p.payment_reference,
    amountMinor: p.amount_minor,
    periodStart: p.period_start.toISOString(),
    periodEnd: p.period_end ? p.period_end.toISOString() : null,
    dividendPoints: p.dividend_points,
    paidAt: p.paid_at.toISOString(),
  };
}

export async function listMemberships(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  now: Date,
): Promise<MembershipView[]> {
  await getMemberOrThrow(db, tenantId, memberId);
  const rows = await db
    .selectFrom('membership')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .execute();
  return Promise.all(rows.map((r) => membershipView(db, r, now)));
}

export async function getMembership(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  membershipId: string,
  now: Date,
): Promise<MembershipView> {
  const row = await db
    .selectFrom('membership')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('id', '=', membershipId)
    .executeTakeFirst();
  if (!row) throw notFound('Membership', membershipId);
  return membershipView(db, row, now);
}

async function timeZoneOf(db: DbOrTrx, tenantId: string, at: Date): Promise<string> {
  return (await getProgramAt(db, tenantId, at)).program.timezone;
}

function mapPaymentConflict(err: unknown, reference: string | undefined): never {
  if (isUniqueViolation(err, 'membership_payment_reference_uq')) {
    throw new AppError(
      'conflict',
      `Payment '${reference}' is already recorded for another membership or period.`,
      { paymentReference: reference },
    );
  }
  throw err;
}

/**
 * Subscribe a member after the shop or till took the payment (or to a plan's free trial). One live
 * membership per member. Idempotent by the Idempotency-Key header, else by the payment reference
 * (a trial without either is keyed by the plan: one trial per plan and member).
 */
export async function subscribe(
  trx: Trx,
  principal: Principal,
  memberId: string,
  body: SubscribeInput,
  ctx: Ctx & { idempotencyKey?: string | undefined },
) {
  const { tenantId } = principal;
  await getMemberOrThrow(trx, tenantId, memberId);
  const key =
    ctx.idempotencyKey ??
    (body.paymentReference ? `payment:${body.paymentReference}` : `trial:${body.planId}`);
  return runIdempotent<MembershipView>(
    trx,
    { tenantId, scope: `membership.subscribe:${memberId}`, key, request: body },
    async () => {
      const plan = await getPlanRowOrThrow(trx, tenantId, body.planId);
      if (plan.status !== 'active')
        throw new AppError('unprocessable', `Plan '${plan.code}' is archived and takes no new members.`);
      const trial = body.paymentReference === undefined;
      if (trial && plan.trial_days === 0) {
        throw new AppError(
          'validation_failed',
          `Plan '${plan.code}' has no free trial: send the paymentReference of the payment taken.`,
          [{ field: 'body.paymentReference', message: 'is required for a plan without a trial' }],
        );
      }
      const live = await trx
        .selectFrom('membership')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', memberId)
        .where('status', 'in', ['trial', 'active'])
        .executeTakeFirst();
      if (live) throw membershipExists(live.id);
      const timeZone = await timeZoneOf(trx, tenantId, ctx.now);
      const periodEnd = trial
        ? addLocalDays(ctx.now, plan.trial_days, timeZone)
        : computeMembershipPeriodEnd(ctx.now, plan.period, timeZone);
      const id = newId('msh');
      const row = await trx
        .insertInto('membership')
        .values({
          tenant_id: tenantId,
          id,
          member_id: memberId,
          plan_id: plan.id,
          status: trial ? 'trial' : 'active',
          started_at: ctx.now,
          current_period_start: ctx.now,
          current_period_end: periodEnd,
          cancelled_at: null,
          cancel_reason: null,
          ended_at: null,
          created_at: ctx.now,
          updated_at: ctx.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((err: unknown) => {
          if (isUniqueViolation(err, 'membership_live_uq')) throw membershipExists(null);
          throw err;
        });
      if (!trial) {
        await trx
          .insertInto('membership_payment')
          .values({
            tenant_id: tenantId,
            id: newId('mpy'),
            membership_id: id,
            member_id: memberId,
            kind: 'subscribe',
            payment_reference: body.paymentReference ?? null,
            amount_minor: body.amountMinor ?? plan.price_minor,
            period_start: ctx.now,
            period_end: periodEnd,
            paid_at: ctx.now,
          })
          .execute()
          .catch((err: unknown) => mapPaymentConflict(err, body.paymentReference));
      }
      const view = await membershipView(trx, row, ctx.now);
      await emitEvent(trx, {
        tenantId,
        type: 'membership.started',
        memberId,
        payload: {
          membershipId: id,
          memberId,
          planId: plan.id,
          planCode: plan.code,
          status: row.status,
          currentPeriodEnd: view.currentPeriodEnd,
        },
        at: ctx.now,
      });
      await recordAudit(trx, {
        tenantId,
        actor: actorOf(principal),
        action: 'membership.subscribed',
        targetType: 'member',
        targetId: memberId,
        details: { membershipId: id, ...body },
        ...auditCtx(ctx),
      });
      return { status: 201, body: view };
    },
  );
}

function membershipExists(membershipId: string | null): AppError {
  return new AppError(
    'membership_exists',
    'The member already has a live membership: record a renewal on it, or cancel it first.',
    membershipId ? { membershipId } : undefined,
  );
}

/**
 * Records the payment for the next period. A payment before the period ends extends it from its
 * end; after a lapse the new period starts now, so benefits come back at once. With a dividend
 * plan, the share of the money paid in the ending paid period is credited as points, in the same
 * transaction (the operation row makes a retried renewal credit nothing twice).
 */
export async function renew(
  trx: Trx,
  principal: Principal,
  memberId: string,
  membershipId: string,
  body: RenewalInput,
  ctx: Ctx & { idempotencyKey?: string | undefined },
) {
  const { tenantId } = principal;
  const key = ctx.idempotencyKey ?? `payment:${body.paymentReference}`;
  return runIdempotent<MembershipView>(
    trx,
    { tenantId, scope: `membership.renewal:${membershipId}`, key, request: body },
    async (operationId) => {
      const peek = await trx
        .selectFrom('membership')
        .select(['plan_id'])
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', memberId)
        .where('id', '=', membershipId)
        .executeTakeFirst();
      if (!peek) throw notFound('Membership', membershipId);
      const plan = await getPlanRowOrThrow(trx, tenantId, peek.plan_id);
      // Lock order as in confirm: the member's points accounts first, then the membership row.
      let wallet =
        plan.dividend_percent !== null
          ? await openWallet(trx, { tenantId, memberId, currency: POINTS }, { now: ctx.now })
          : null;
      const m = await trx
        .selectFrom('membership')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', membershipId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (m.current_period_end === null)
        throw new AppError('unprocessable', 'A lifetime membership has nothing to renew.');
      if (m.status === 'cancelled' && m.ended_at !== null) {
        throw new AppError(
          'unprocessable',
          'This membership was cancelled; subscribe the member again instead.',
          { membershipId },
        );
      }
      const { program } = await getProgramAt(trx, tenantId, ctx.now);
      const start = new Date(Math.max(m.current_period_end.getTime(), ctx.now.getTime()));
      const end = computeMembershipPeriodEnd(start, plan.period, program.timezone);

      let dividendPoints = 0;
      if (wallet && plan.dividend_percent !== null && m.status !== 'trial') {
        const until = new Date(Math.min(m.current_period_end.getTime(), ctx.now.getTime()));
        const spend = await sql<{ value: number }>`
        select coalesce(sum(payable_minor - refunded_amount_minor), 0)::bigint as value from receipt
        where tenant_id = ${tenantId} and member_id = ${memberId} and occurred_at >= ${m.current_period_start} and occurred_at < ${until}`.execute(
          trx,
        );
        dividendPoints = computeDividendPoints({
          spendMinor: Number(spend.rows[0]?.value ?? 0),
          dividendPercent: plan.dividend_percent,
          pointValueMinor: program.pointValueMinor,
        });
        if (dividendPoints > 0) {
          const expiresAt =
            program.earn.expiryDays === null
              ? null
              : addLocalDays(ctx.now, program.earn.expiryDays, program.timezone);
          const accrued = await accrueToWallet(
            trx,
            wallet,
            { points: dividendPoints, activatesAt: ctx.now, expiresAt },
            {
              operationId,
              now: ctx.now,
              entryKind: 'membership_dividend',
              reason: `Membership dividend: ${plan.dividend_percent}% of the money paid in the period`,
            },
          );
          wallet = accrued.wallet;
        }
      }
      await trx
        .insertInto('membership_payment')
        .values({
          tenant_id: tenantId,
          id: newId('mpy'),
          membership_id: membershipId,
          member_id: memberId,
          kind: 'renewal',
          payment_reference: body.paymentReference,
          amount_minor: body.amountMinor ?? plan.price_minor,
          period_start: start,
          period_end: end,
          dividend_points: dividendPoints,
          paid_at: ctx.now,
        })
        .execute()
        .catch((err: unknown) => mapPaymentConflict(err, body.paymentReference));
      const updated = await trx
        .updateTable('membership')
        .set({
          status: 'active',
          current_period_start: start,
          current_period_end: end,
          cancel_at_period_end: false,
          cancelled_at: null,
          cancel_reason: null,
          ended_at: null,
          updated_at: ctx.now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', membershipId)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((err: unknown) => {
          if (isUniqueViolation(err, 'membership_live_uq')) throw membershipExists(null);
          throw err;
        });
      const view = await membershipView(trx, updated, ctx.now);
      await emitEvent(trx, {
        tenantId,
        type: 'membership.renewed',
        memberId,
        payload: {
          membershipId,
          memberId,
          planCode: plan.code,
          currentPeriodStart: view.currentPeriodStart,
          currentPeriodEnd: view.currentPeriodEnd,
          dividendPoints,
        },
        at: ctx.now,
      });
      await recordAudit(trx, {
        tenantId,
        actor: actorOf(principal),
        action: 'membership.renewed',
        targetType: 'member',
        targetId: memberId,
        details: { membershipId, ...body, dividendPoints },
        ...auditCtx(ctx),
      });
      return { status: 201, body: view };
    },
  );
}

/** Cancel at the end of the paid period (benefits until then, no renewal notice) or now. Repeating it changes nothing. */
export async function cancel(
  trx: Trx,
  principal: Principal,
  memberId: string,
  membershipId: string,
  body: CancelInput,
  ctx: Ctx,
): Promise<MembershipView> {
  const { tenantId } = principal;
  const m = await trx
    .selectFrom('membership')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('id', '=', membershipId)
    .forUpdate()
    .executeTakeFirst();
  if (!m) throw notFound('Membership', membershipId);
  if (m.status === 'cancelled' || m.status === 'expired') return membershipView(trx, m, ctx.now);
  const now = body.atPeriodEnd === false || m.current_period_end === null || m.current_period_end <= ctx.now;
  const updated = await trx
    .updateTable('membership')
    .set(
      now
        ? {
            status: 'cancelled',
            current_period_end: ctx.now,
            cancelled_at: ctx.now,
            cancel_reason: body.reason ?? null,
            ended_at: ctx.now,
            cancel_at_period_end: false,
            updated_at: ctx.now,
          }
        : {
            cancel_at_period_end: true,
            cancelled_at: ctx.now,
            cancel_reason: body.reason ?? null,
            updated_at: ctx.now,
          },
    )
    .where('tenant_id', '=', tenantId)
    .where('id', '=', membershipId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await emitEvent(trx, {
    tenantId,
    type: 'membership.cancelled',
    memberId,
    payload: {
      membershipId,
      memberId,
      endsAt: updated.current_period_end ? updated.current_period_end.toISOString() : null,
      immediately: now,
      reason: body.reason ?? null,
    },
    at: ctx.now,
  });
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'membership.cancelled',
    targetType: 'member',
    targetId: memberId,
    details: { membershipId, immediately: now, reason: body.reason ?? null },
    ...auditCtx(ctx),
  });
  return membershipView(trx, updated, ctx.now);
}
