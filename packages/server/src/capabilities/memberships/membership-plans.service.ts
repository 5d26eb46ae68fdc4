import { type MembershipPlanTerms, validateMembershipPlan } from '@kopilka/domain/tiers';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import { isUniqueViolation } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Principal } from '../../platform/principal';
import { actorOf, recordAudit } from '../audit/audit.service';
import type { CreatePlanInput, PatchPlanInput, PlanView } from './memberships.schemas';
import type { MembershipPlanRow } from './memberships.table';

export const FREE_DELIVERY = 'free_delivery';

export type Ctx = { now: Date; requestId?: string | undefined };

export function auditCtx(ctx: Ctx) {
  return ctx.requestId ? { requestId: ctx.requestId } : {};
}

// ---------------------------------------------------------------------------------------------
// Plans

function planTerms(row: MembershipPlanRow): MembershipPlanTerms {
  return {
    code: row.code,
    name: row.name,
    period: row.period,
    priceMinor: row.price_minor,
    trialDays: row.trial_days,
    discountPercent: row.discount_percent,
    earnMultiplier: row.earn_multiplier,
    perks: row.perks,
    maxPointsPercent: row.max_points_percent,
    dividendPercent: row.dividend_percent,
    renewalNoticeDays: row.renewal_notice_days,
  };
}

export function planView(row: MembershipPlanRow): PlanView {
  return {
    planId: row.id,
    code: row.code,
    name: row.name,
    status: row.status,
    period: row.period,
    priceMinor: row.price_minor,
    trialDays: row.trial_days,
    discountPercent: row.discount_percent,
    earnMultiplier: row.earn_multiplier,
    perks: [...row.perks],
    freeDelivery: row.perks.includes(FREE_DELIVERY),
    maxPointsPercent: row.max_points_percent,
    dividendPercent: row.dividend_percent,
    renewalNoticeDays: row.renewal_notice_days,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function withFreeDelivery(perks: readonly string[], freeDelivery: boolean | undefined): string[] {
  if (freeDelivery === undefined) return [...perks];
  const rest = perks.filter((p) => p !== FREE_DELIVERY);
  return freeDelivery ? [...rest, FREE_DELIVERY] : rest;
}

function assertValidPlan(terms: MembershipPlanTerms): void {
  const problems = validateMembershipPlan(terms);
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      `The plan is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    );
  }
}

// Most programs sell no memberships, yet every receipt asks for the member's membership. Whether
// a tenant has any plan at all is kept for a short while, like the tier ladder, so receipts of such
// programs skip that query. Creating a plan on this node drops the entry at once; other nodes see
// it within CACHE_MS (a member can only subscribe to a plan after it exists).
const CACHE_MS = 2_000;
const hasPlansCache = new Map<string, { until: number; hasPlans: boolean }>();

export async function tenantHasPlans(db: DbOrTrx, tenantId: string): Promise<boolean> {
  const hit = hasPlansCache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.hasPlans;
  const row = await db
    .selectFrom('membership_plan')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .limit(1)
    .executeTakeFirst();
  hasPlansCache.set(tenantId, { until: Date.now() + CACHE_MS, hasPlans: row !== undefined });
  return row !== undefined;
}

export async function createPlan(
  db: DbOrTrx,
  principal: Principal,
  body: CreatePlanInput,
  ctx: Ctx,
): Promise<PlanView> {
  const terms: MembershipPlanTerms = {
    code: body.code,
    name: body.name,
    period: body.period,
    priceMinor: body.priceMinor,
    trialDays: body.trialDays ?? 0,
    discountPercent: body.discountPercent ?? '0',
    earnMultiplier: body.earnMultiplier ?? '1',
    perks: withFreeDelivery(body.perks ?? [], body.freeDelivery),
    maxPointsPercent: body.maxPointsPercent ?? null,
    dividendPercent: body.dividendPercent ?? null,
    renewalNoticeDays: body.renewalNoticeDays ?? 7,
  };
  assertValidPlan(terms);
  const id = newId('pln');
  hasPlansCache.delete(principal.tenantId);
  try {
    const row = await db
      .insertInto('membership_plan')
      .values({
        tenant_id: principal.tenantId,
        id,
        code: terms.code,
        name: terms.name,
        status: 'active',
        period: terms.period,
        price_minor: terms.priceMinor,
        trial_days: terms.trialDays,
        discount_percent: terms.discountPercent,
        earn_multiplier: terms.earnMultiplier,
        perks: [...terms.perks],
        max_points_percent: terms.maxPointsPercent,
        dividend_percent: terms.dividendPercent,
        renewal_notice_days: terms.renewalNoticeDays,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(db, {
      tenantId: principal.tenantId,
      actor: actorOf(principal),
      action: 'membership_plan.created',
      targetType: 'membership_plan',
      targetId: id,
      details: body,
      ...auditCtx(ctx),
    });
    return planView(row);
  } catch (err) {
    if (isUniqueViolation(err, 'membership_plan_code_uq')) {
      throw new AppError(
        'conflict',
        `A plan with code '${terms.code}' already exists; choose another code.`,
        { code: terms.code },
      );
    }
    throw err;
  }
}

async function findPlanRow(
  db: DbOrTrx,
  tenantId: string,
  planIdOrCode: string,
): Promise<MembershipPlanRow | undefined> {
  return db
    .selectFrom('membership_plan')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', planIdOrCode), eb('code', '=', planIdOrCode)]))
    .orderBy(sql`id = ${planIdOrCode}`, 'desc')
    .executeTakeFirst();
}

export async function getPlanRowOrThrow(
  db: DbOrTrx,
  tenantId: string,
  planIdOrCode: string,
): Promise<MembershipPlanRow> {
  const row = await findPlanRow(db, tenantId, planIdOrCode);
  if (!row) throw notFound('Membership plan', planIdOrCode);
  return row;
}

export async function getPlan(db: DbOrTrx, tenantId: string, planId: string): Promise<PlanView> {
  return planView(await getPlanRowOrThrow(db, tenantId, planId));
}

export async function listPlans(db: DbOrTrx, tenantId: string): Promise<PlanView[]> {
  const rows = await db
    .selectFrom('membership_plan')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(planView);
}

export async function patchPlan(
  trx: Trx,
  principal: Principal,
  planId: string,
  body: PatchPlanInput,
  ctx: Ctx,
): Promise<PlanView> {
  const row = await getPlanRowOrThrow(trx, principal.tenantId, planId);
  const before = planTerms(row);
  const terms: MembershipPlanTerms = {
    ...before,
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.priceMinor !== undefined ? { priceMinor: body.priceMinor } : {}),
    ...(body.trialDays !== undefined ? { trialDays: body.trialDays } : {}),
    ...(body.discountPercent !== undefined ? { discountPercent: body.discountPercent } : {}),
    ...(body.earnMultiplier !== undefined ? { earnMultiplier: body.earnMultiplier } : {}),
    ...(body.maxPointsPercent !== undefined ? { maxPointsPercent: body.maxPointsPercent } : {}),
    ...(body.dividendPercent !== undefined ? { dividendPercent: body.dividendPercent } : {}),
    ...(body.renewalNoticeDays !== undefined ? { renewalNoticeDays: body.renewalNoticeDays } : {}),
    perks: withFreeDelivery(body.perks ?? before.perks, body.freeDelivery),
  };
  assertValidPlan(terms);
  const updated = await trx
    .updateTable('membership_plan')
    .set({
      name: terms.name,
      status: body.status ?? row.status,
      price_minor: terms.priceMinor,
      trial_days: terms.trialDays,
      discount_percent: terms.discountPercent,
      earn_multiplier: terms.earnMultiplier,
      perks: [...terms.perks],
      max_points_percent: terms.maxPointsPercent,
      dividend_percent: terms.dividendPercent,
      renewal_notice_days: terms.renewalNoticeDays,
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', principal.tenantId)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId: principal.tenantId,
    actor: actorOf(principal),
    action: 'membership_plan.updated',
    targetType: 'membership_plan',
    targetId: row.id,
    details: body,
    ...auditCtx(ctx),
  });
  return planView(updated);
}
