import type { TierMetric } from '@kopilka/domain/tiers';
import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import type { MemberTierHistoryTable, MemberTierRow } from './tiers.table';

export const STATUS_CURRENCY = 'status';

export function findLadderRow(db: DbOrTrx, tenantId: string) {
  return db.selectFrom('tier_ladder').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function upsertLadder(
  trx: Trx,
  row: { tenantId: string; settings: unknown; by: string | null; now: Date },
): Promise<number> {
  const r = await trx
    .insertInto('tier_ladder')
    .values({
      tenant_id: row.tenantId,
      settings: sql`${JSON.stringify(row.settings)}::jsonb`,
      version: 1,
      updated_at: row.now,
      updated_by: row.by,
      last_full_run_at: null,
    })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        settings: sql`excluded.settings`,
        version: sql`tier_ladder.version + 1`,
        updated_at: sql`excluded.updated_at`,
        updated_by: sql`excluded.updated_by`,
        // A new ladder means every member is looked at again on the next job run.
        last_full_run_at: null,
      }),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return r.version;
}

export function findMemberTierRow(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
): Promise<MemberTierRow | undefined> {
  return db
    .selectFrom('member_tier')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
}

/**
 * The tier a member held at `at` when they have moved since: the `from` of the first change after
 * `at` (null code = they held the entry tier). `undefined` when nothing changed after `at`, so the
 * stored tier applies. Only late (offline) receipts reach this query.
 */
export async function findTierCodeBefore(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  at: Date,
): Promise<{ code: string | null } | undefined> {
  const row = await db
    .selectFrom('member_tier_history')
    .select('from_code')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('at', '>', at)
    .orderBy('at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? { code: row.from_code } : undefined;
}

/** Locks the member's tier row (if any) for the rest of the transaction. */
export function lockMemberTierRow(
  trx: Trx,
  tenantId: string,
  memberId: string,
): Promise<MemberTierRow | undefined> {
  return trx
    .selectFrom('member_tier')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();
}

export async function saveMemberTier(
  trx: Trx,
  row: {
    tenantId: string;
    memberId: string;
    code: string;
    source: 'auto' | 'override';
    since: Date;
    overrideUntil: Date | null;
    overrideReason: string | null;
    graceUntil: Date | null;
    now: Date;
  },
): Promise<void> {
  const values = {
    tier_code: row.code,
    source: row.source,
    since: row.since,
    override_until: row.overrideUntil,
    override_reason: row.overrideReason,
    grace_until: row.graceUntil,
    needs_review: false,
    updated_at: row.now,
  };
  await trx
    .insertInto('member_tier')
    .values({ tenant_id: row.tenantId, member_id: row.memberId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doUpdateSet(values))
    .execute();
}

export async function markNeedsReview(trx: Trx, tenantId: string, memberId: string): Promise<void> {
  await trx
    .updateTable('member_tier')
    .set({ needs_review: true })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .execute();
}

export async function insertHistory(trx: Trx, row: Insertable<MemberTierHistoryTable>): Promise<void> {
  await trx.insertInto('member_tier_history').values(row).execute();
}

export function listHistoryRows(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  opts: { limit: number; beforeId?: number | undefined },
) {
  let q = db
    .selectFrom('member_tier_history')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  return q.execute();
}

/**
 * Per-member values of a qualifying metric: `select member_id, value … group by member_id` over the
 * metric's source rows, for the members `memberFilter` selects (a condition on `r.member_id`).
 * Shared by the one-member query (receipts, progress) and the batch job so both count exactly the
 * same thing:
 * - spend: money paid on receipts (payableMinor) less the money of refunded quantities;
 * - visits: receipts not fully refunded or cancelled;
 * - status_points: status points earned and not revoked.
 */
export function metricAggregate(
  metric: TierMetric,
  tenantId: string,
  memberFilter: RawBuilder<unknown>,
  from: Date | null,
) {
  if (metric === 'status_points') {
    return sql`select r.member_id, coalesce(sum(r.remaining), 0)::bigint as value from lot r
      where r.tenant_id = ${tenantId} and ${memberFilter} and r.currency = ${STATUS_CURRENCY}
      ${from === null ? sql`` : sql`and r.activates_at >= ${from}`}
      group by r.member_id`;
  }
  const value =
    metric === 'visits'
      ? sql`count(*) filter (where r.status in ('confirmed', 'partially_refunded'))::bigint`
      : sql`coalesce(sum(r.payable_minor - r.refunded_amount_minor), 0)::bigint`;
  return sql`select r.member_id, ${value} as value from receipt r
    where r.tenant_id = ${tenantId} and ${memberFilter}
    ${from === null ? sql`` : sql`and r.occurred_at >= ${from}`}
    group by r.member_id`;
}

export async function computeMemberMetric(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  metric: TierMetric,
  from: Date | null,
): Promise<number> {
  const r = await sql<{
    value: number;
  }>`select value from (${metricAggregate(metric, tenantId, sql`r.member_id = ${memberId}`, from)}) a`.execute(
    db,
  );
  return Number(r.rows[0]?.value ?? 0);
}
