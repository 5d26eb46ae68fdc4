import { type CampaignDefinition, toCampaign } from '@kopilka/domain/campaigns';
import type { Campaign } from '@kopilka/domain/receipts';
import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';

// Campaign versions are read on every receipt and change rarely: keep each tenant's for a short
// while, like program versions. A write on this node drops the entry at once; other nodes see it
// within CACHE_MS. Domain `Campaign` objects are built once per load, so the calculation's parse
// cache (keyed by object) stays warm across receipts.
const CACHE_MS = 2_000;

// Versions of campaigns deleted longer ago than this no longer reach any receipt (the offline
// window is at most a few weeks; see program `receipts.maxDelayDays`).
const DELETED_KEEP_DAYS = 400;

export type CatalogVersion = {
  readonly version: number;
  readonly validFrom: number;
  readonly deleted: boolean;
  readonly definition: CampaignDefinition;
  readonly campaign: Campaign;
};

export type CatalogEntry = {
  readonly campaignId: string;
  /** Newest first. */
  readonly versions: readonly CatalogVersion[];
};

type Loaded = { until: number; entries: CatalogEntry[]; byId: Map<string, CatalogEntry> };

const cache = new Map<string, Loaded>();

export function invalidateCampaignCache(tenantId: string): void {
  cache.delete(tenantId);
}

async function loadCatalog(db: DbOrTrx, tenantId: string): Promise<Loaded> {
  const hit = cache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit;
  const rows = await db
    .selectFrom('campaign_version as v')
    .innerJoin('campaign as c', (join) =>
      join.onRef('c.tenant_id', '=', 'v.tenant_id').onRef('c.id', '=', 'v.campaign_id'),
    )
    .select(['v.campaign_id', 'v.version', 'v.definition', 'v.deleted', 'v.valid_from'])
    .where('v.tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('c.deleted_at', 'is', null),
        eb('c.deleted_at', '>', sql<Date>`now() - make_interval(days => ${DELETED_KEEP_DAYS})`),
      ]),
    )
    .orderBy('v.campaign_id')
    .orderBy('v.version', 'desc')
    .execute();
  const seriesCodes = await loadSeriesCodeShapes(
    db,
    tenantId,
    rows.map((r) => r.definition.conditions.couponSeriesId ?? null),
  );
  const byId = new Map<string, CatalogEntry>();
  for (const row of rows) {
    let entry = byId.get(row.campaign_id);
    if (!entry) {
      entry = { campaignId: row.campaign_id, versions: [] };
      byId.set(row.campaign_id, entry);
    }
    (entry.versions as CatalogVersion[]).push({
      version: row.version,
      validFrom: row.valid_from.getTime(),
      deleted: row.deleted,
      definition: row.definition,
      campaign: Object.freeze(withSeriesShape(toCampaign(row.campaign_id, row.definition), seriesCodes)),
    });
  }
  const loaded = { until: Date.now() + CACHE_MS, entries: [...byId.values()], byId };
  cache.set(tenantId, loaded);
  return loaded;
}

type SeriesShape = { kind: string; pattern: string | null; sharedCode: string | null };

async function loadSeriesCodeShapes(
  db: DbOrTrx,
  tenantId: string,
  seriesIds: (string | null)[],
): Promise<Map<string, SeriesShape>> {
  const ids = [...new Set(seriesIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('coupon_series as s')
    .leftJoin('coupon as c', (join) =>
      join
        .onRef('c.tenant_id', '=', 's.tenant_id')
        .onRef('c.series_id', '=', 's.id')
        .on('s.kind', '=', 'shared'),
    )
    .select(['s.id', 's.kind', 's.pattern', 'c.code'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { kind: r.kind, pattern: r.pattern, sharedCode: r.code }]));
}

/**
 * Without the receipt's context the codes cannot be checked before pricing: a series-gated
 * campaign then looks for a code of the series' shape (a shared series: its one code), and
 * confirm verifies that the code exists in the series and may be used.
 */
function withSeriesShape(campaign: Campaign, shapes: Map<string, SeriesShape>): Campaign {
  const seriesId = campaign.conditions.couponSeriesId;
  if (!seriesId) return campaign;
  const shape = shapes.get(seriesId);
  if (!shape) return campaign;
  if (shape.kind === 'shared')
    return { ...campaign, conditions: { ...campaign.conditions, coupon: shape.sharedCode } };
  return { ...campaign, conditions: { ...campaign.conditions, couponPattern: shape.pattern } };
}

function versionAt(entry: CatalogEntry, at: number): CatalogVersion | null {
  for (const version of entry.versions) if (version.validFrom <= at) return version;
  return null;
}

/**
 * The campaigns as they stood at `at` (an offline receipt's occurredAt) that may apply then:
 * status active and `at` inside their window. Conditions are left to the calculation.
 */
export async function findCampaignVersionsInForce(
  db: DbOrTrx,
  tenantId: string,
  at: Date,
): Promise<CatalogVersion[]> {
  const { entries } = await loadCatalog(db, tenantId);
  const time = at.getTime();
  const inForce: CatalogVersion[] = [];
  for (const entry of entries) {
    const version = versionAt(entry, time);
    if (!version || version.deleted || version.definition.status !== 'active') continue;
    const { startsAt, endsAt } = version.campaign;
    if ((startsAt && startsAt.getTime() > time) || (endsAt && endsAt.getTime() <= time)) continue;
    inForce.push(version);
  }
  return inForce;
}

/** The latest definition of each given campaign (deleted ones too): limits are counted by it. */
export async function findCurrentDefinitions(
  db: DbOrTrx,
  tenantId: string,
  campaignIds: readonly string[],
): Promise<Map<string, CampaignDefinition>> {
  const { byId } = await loadCatalog(db, tenantId);
  const found = new Map<string, CampaignDefinition>();
  const missing: string[] = [];
  for (const id of campaignIds) {
    const latest = byId.get(id)?.versions[0];
    if (latest) found.set(id, latest.definition);
    else missing.push(id);
  }
  if (missing.length > 0) {
    // Created on another node within the cache window, or deleted long ago.
    const rows = await db
      .selectFrom('campaign')
      .select(['id', 'definition'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', missing)
      .execute();
    for (const row of rows) found.set(row.id, row.definition);
  }
  return found;
}
