import {
  type CampaignDefinition,
  type CampaignProblem,
  normalizeCampaignDefinition,
} from '@kopilka/domain/campaigns';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Principal } from '../../platform/principal';
import { decodeCursor, encodeCursor } from '../../platform/schemas';
import { actorOf, recordAudit } from '../audit/audit.service';
import { invalidateCampaignCache } from './campaign-catalog';
import type { CampaignViewType } from './campaigns.schemas';
import type { CampaignRow } from './campaigns.table';

export type CampaignView = CampaignViewType;
type Usage = CampaignView['usage'];

const GROUPS = ['conditions', 'audience', 'scope', 'stacking', 'limits'] as const;

function throwProblems(problems: readonly CampaignProblem[]): never {
  const details = problems.map((p) => ({ field: p.field ? `body.${p.field}` : 'body', message: p.message }));
  const first = details[0];
  throw new AppError(
    'validation_failed',
    details.length === 1 && first
      ? `The campaign is invalid: ${first.field} ${first.message}.`
      : `The campaign is invalid: ${details.length} fields are wrong (see details).`,
    details,
  );
}

const ALLOWED_KEYS = new Set(['name', 'status', 'startsAt', 'endsAt', 'priority', 'effect', ...GROUPS]);

/** Unknown top-level fields are a typo more often than not ("dayOfWeek"): say so instead of ignoring them. */
function unknownKeyProblems(body: Record<string, unknown>): CampaignProblem[] {
  return Object.keys(body)
    .filter((key) => !ALLOWED_KEYS.has(key))
    .map((key) => ({
      field: key,
      message: `is not a campaign field (known: ${[...ALLOWED_KEYS].join(', ')})`,
    }));
}

async function checkReferences(db: DbOrTrx, tenantId: string, definition: CampaignDefinition): Promise<void> {
  const problems: CampaignProblem[] = [];
  const refs: [string, string][] = [];
  if (definition.conditions.couponSeriesId)
    refs.push(['conditions.couponSeriesId', definition.conditions.couponSeriesId]);
  if (definition.effect.type === 'issue_coupon') refs.push(['effect.seriesId', definition.effect.seriesId]);
  for (const [field, seriesId] of refs) {
    const series = await db
      .selectFrom('coupon_series')
      .select(['id', 'kind'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', seriesId)
      .executeTakeFirst();
    if (!series)
      problems.push({
        field,
        message: `coupon series '${seriesId}' does not exist; create it with POST /v1/coupon-series first`,
      });
    else if (field === 'effect.seriesId' && series.kind !== 'personal') {
      problems.push({
        field,
        message: `coupon series '${seriesId}' is ${series.kind}; issue_coupon needs a personal series`,
      });
    }
  }
  if (problems.length > 0) throwProblems(problems);
}

export function rowToView(row: CampaignRow, usage?: Usage): CampaignView {
  // The stored JSON is the validated definition; the API type only differs in readonly-ness.
  const definition = row.definition as unknown as Omit<
    CampaignView,
    'campaignId' | 'version' | 'createdAt' | 'updatedAt' | 'usage'
  >;
  return {
    campaignId: row.id,
    ...definition,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    usage: usage ?? { uses: 0, points: 0, moneyMinor: 0 },
  };
}

async function usageOf(
  db: DbOrTrx,
  tenantId: string,
  campaignIds: readonly string[],
): Promise<Map<string, Usage>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('campaign_usage')
    .select([
      'campaign_id',
      sql<number>`count(*)::int`.as('uses'),
      sql<number>`coalesce(sum(points), 0)::bigint`.as('points'),
      sql<number>`coalesce(sum(money_minor), 0)::bigint`.as('money'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('campaign_id', 'in', [...campaignIds])
    .where('released_at', 'is', null)
    .groupBy('campaign_id')
    .execute();
  return new Map(
    rows.map((r) => [
      r.campaign_id,
      { uses: Number(r.uses), points: Number(r.points), moneyMinor: Number(r.money) },
    ]),
  );
}

export async function createCampaign(
  trx: Trx,
  principal: Principal,
  body: Record<string, unknown>,
  ctx: { now: Date; requestId?: string },
): Promise<CampaignView> {
  const result = normalizeCampaignDefinition(body);
  const problems = [...unknownKeyProblems(body), ...(result.ok ? [] : result.problems)];
  if (!result.ok || problems.length > 0) throwProblems(problems);
  const definition = result.value;
  const tenantId = principal.tenantId;
  await checkReferences(trx, tenantId, definition);
  const id = newId('cmp');
  const json = sql`${JSON.stringify(definition)}::jsonb`;
  const row = await trx
    .insertInto('campaign')
    .values({
      tenant_id: tenantId,
      id,
      version: 1,
      name: definition.name,
      status: definition.status,
      priority: definition.priority,
      definition: json,
      created_at: ctx.now,
      updated_at: ctx.now,
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('campaign_version')
    .values({
      tenant_id: tenantId,
      campaign_id: id,
      version: 1,
      definition: json,
      deleted: false,
      valid_from: ctx.now,
      created_by: principal.actorId,
    })
    .execute();
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'campaign.created',
    targetType: 'campaign',
    targetId: id,
    details: { definition },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  invalidateCampaignCache(tenantId);
  return rowToView(row);
}

async function findLiveRow(
  db: DbOrTrx,
  tenantId: string,
  campaignId: string,
  forUpdate: boolean,
): Promise<CampaignRow> {
  let query = db
    .selectFrom('campaign')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', campaignId)
    .where('deleted_at', 'is', null);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('Campaign', campaignId);
  return row;
}

export async function getCampaignOrThrow(
  db: DbOrTrx,
  tenantId: string,
  campaignId: string,
): Promise<CampaignView> {
  const row = await findLiveRow(db, tenantId, campaignId, false);
  return rowToView(row, (await usageOf(db, tenantId, [row.id])).get(row.id));
}

const isCursor = (v: unknown): v is [string] =>
  Array.isArray(v) && v.length === 1 && typeof v[0] === 'string';

export async function listCampaigns(
  db: DbOrTrx,
  tenantId: string,
  q: { status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, isCursor);
  let query = db
    .selectFrom('campaign')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('deleted_at', 'is', null);
  if (q.status) query = query.where('status', '=', q.status);
  if (after) query = query.where('id', '<', after[0]);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const usage = await usageOf(
    db,
    tenantId,
    page.map((r) => r.id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => rowToView(r, usage.get(r.id))),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.id]) : null,
  };
}

/**
 * PATCH: the fields given replace the stored ones; `conditions`, `audience`, `scope`, `stacking`
 * and `limits` merge field by field (null clears a group), `effect` is replaced whole. The merged
 * campaign is validated again and stored as a new version valid from now.
 */
export async function updateCampaign(
  trx: Trx,
  principal: Principal,
  campaignId: string,
  patch: Record<string, unknown>,
  ctx: { now: Date; requestId?: string },
): Promise<CampaignView> {
  const tenantId = principal.tenantId;
  const row = await findLiveRow(trx, tenantId, campaignId, true);
  const current = row.definition as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const stored = current[key];
    merged[key] =
      (GROUPS as readonly string[]).includes(key) &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      stored &&
      typeof stored === 'object'
        ? { ...(stored as object), ...(value as object) }
        : value;
  }
  const result = normalizeCampaignDefinition(merged);
  const problems = [...unknownKeyProblems(patch), ...(result.ok ? [] : result.problems)];
  if (!result.ok || problems.length > 0) throwProblems(problems);
  const definition = result.value;
  await checkReferences(trx, tenantId, definition);
  const version = row.version + 1;
  const json = sql`${JSON.stringify(definition)}::jsonb`;
  const updated = await trx
    .updateTable('campaign')
    .set({
      version,
      name: definition.name,
      status: definition.status,
      priority: definition.priority,
      definition: json,
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', campaignId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('campaign_version')
    .values({
      tenant_id: tenantId,
      campaign_id: campaignId,
      version,
      definition: json,
      deleted: false,
      valid_from: ctx.now,
      created_by: principal.actorId,
    })
    .execute();
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: row.definition.status !== definition.status ? 'campaign.status_changed' : 'campaign.updated',
    targetType: 'campaign',
    targetId: campaignId,
    details: { version, patch, statusBefore: row.definition.status, statusAfter: definition.status },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  invalidateCampaignCache(tenantId);
  return rowToView(updated, (await usageOf(trx, tenantId, [campaignId])).get(campaignId));
}

/** DELETE: the campaign stops applying from now; receipts before now (offline tills) still see it. */
export async function deleteCampaign(
  trx: Trx,
  principal: Principal,
  campaignId: string,
  ctx: { now: Date; requestId?: string },
): Promise<void> {
  const tenantId = principal.tenantId;
  const row = await findLiveRow(trx, tenantId, campaignId, true);
  const version = row.version + 1;
  await trx
    .updateTable('campaign')
    .set({ version, deleted_at: ctx.now, updated_at: ctx.now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', campaignId)
    .execute();
  await trx
    .insertInto('campaign_version')
    .values({
      tenant_id: tenantId,
      campaign_id: campaignId,
      version,
      definition: sql`${JSON.stringify(row.definition)}::jsonb`,
      deleted: true,
      valid_from: ctx.now,
      created_by: principal.actorId,
    })
    .execute();
  await recordAudit(trx, {
    tenantId,
    actor: actorOf(principal),
    action: 'campaign.deleted',
    targetType: 'campaign',
    targetId: campaignId,
    details: { version, name: row.name },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
  invalidateCampaignCache(tenantId);
}

/** Every version with its status: the campaign's history (who changed what when is in the audit log). */
export async function listCampaignVersions(db: DbOrTrx, tenantId: string, campaignId: string) {
  await findLiveRow(db, tenantId, campaignId, false);
  const rows = await db
    .selectFrom('campaign_version')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('campaign_id', '=', campaignId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    validFrom: r.valid_from.toISOString(),
    status: r.definition.status,
    deleted: r.deleted,
    createdBy: r.created_by,
    definition: r.definition as unknown as Omit<
      CampaignView,
      'campaignId' | 'version' | 'createdAt' | 'updatedAt' | 'usage'
    >,
  }));
}
