import {
  computeQualifyingWindow,
  resolveLadderSettings,
  type TierLadder,
  thresholdOf,
} from '@kopilka/domain/tiers';
import { startOfLocalDay } from '@kopilka/domain/time';
import { sql } from 'kysely';
import { type Db, inTransaction, type Trx } from '../../platform/db';
import type { JobDefinition } from '../../platform/jobs';
import { getProgramAt } from '../program/program.service';
import { metricAggregate } from './tiers.repository';

export const REEVALUATION_BATCH = 5_000;
const MOVES = sql`('ladder_changed', 'upgrade', 'override_expired', 'downgrade')`;

export type TenantRun = {
  tenantId: string;
  ladder: TierLadder;
  at: Date;
  timeZone: string;
  from: Date | null;
};

export type ReevaluationResult = { members: number; written: number; moved: number; fullPass: boolean };

/**
 * Claims today's full pass for the tenant: once per local day (and at the first run after the
 * ladder changed) the job looks at every member; the other runs only look at members flagged by a
 * refund, overrides that expired and grace periods that ended. The claim is one conditional
 * UPDATE, so of several nodes running the job at once exactly one does the full pass.
 */
async function claimFullPass(db: Db, tenantId: string, at: Date, timeZone: string): Promise<boolean> {
  const r = await db
    .updateTable('tier_ladder')
    .set({ last_full_run_at: at })
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([eb('last_full_run_at', 'is', null), eb('last_full_run_at', '<', startOfLocalDay(at, timeZone))]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * One batch, set-based: lock the batch's tier rows (in member order, so parallel nodes cannot
 * deadlock; confirm takes the same row lock before it lifts a member), then one statement computes
 * every member's metric, applies the movement rules of `decideTierMovement` (domain) and writes
 * the changed rows, their history and their `tier.changed` events. Reading after the lock means a
 * receipt committed before it is counted; one committing after it re-checks the member itself.
 */
async function evaluateBatch(
  trx: Trx,
  run: TenantRun,
  ids: readonly string[],
  range: 'contiguous' | 'sparse',
): Promise<{ written: number; moved: number }> {
  await sql`select 1 from member_tier where tenant_id = ${run.tenantId} and member_id = any(${ids}::text[]) order by member_id for update`.execute(
    trx,
  );
  const r = await batchStatement(run, ids, range).execute(trx);
  return { written: Number(r.rows[0]?.written ?? 0), moved: Number(r.rows[0]?.moved ?? 0) };
}

/** The set-based statement of one batch (exported for EXPLAIN in bench/). */
export function batchStatement(run: TenantRun, ids: readonly string[], range: 'contiguous' | 'sparse') {
  const { tenantId, ladder, at, timeZone } = run;
  const settings = resolveLadderSettings(ladder);
  const codes = ladder.tiers.map((t) => t.code);
  const thresholds = ladder.tiers.map((t) => thresholdOf(t, settings.metric));
  // A contiguous batch (every member between two ids) reads the metric source as one index range.
  const memberFilter = (column: string) =>
    range === 'contiguous'
      ? sql`${sql.ref(column)} >= ${ids[0]} and ${sql.ref(column)} <= ${ids[ids.length - 1]}`
      : sql`${sql.ref(column)} = any(${ids}::text[])`;
  const grace = settings.graceDays;
  const minStay = settings.minStayDays;
  const atTs = sql`${at}::timestamptz`;
  const tz = sql`${timeZone}::text`;
  return sql<{ written: number; moved: number }>`
    with batch as (select unnest(${ids}::text[]) as member_id),
    agg as (${metricAggregate(settings.metric, tenantId, memberFilter('r.member_id'), run.from)}),
    cur as (select * from member_tier mt where mt.tenant_id = ${tenantId} and ${memberFilter('mt.member_id')}),
    joined as (
      select b.member_id,
             -- thresholds strictly increase from 0, so the bucket is the 1-based rank of the tier reached
             greatest(width_bucket(coalesce(a.value, 0), ${thresholds}::bigint[]), 1) as q_rank,
             mt.member_id is not null as has_row,
             mt.tier_code as cur_code, mt.source, mt.since, mt.override_until, mt.override_reason, mt.grace_until,
             coalesce(mt.needs_review, false) as needs_review
      from batch b
      left join agg a on a.member_id = b.member_id
      left join cur mt on mt.member_id = b.member_id
    ),
    state as (
      select j.*,
             (${codes}::text[])[j.q_rank] as q_code,
             case when j.has_row then coalesce(array_position(${codes}::text[], j.cur_code), 0) else 1 end as cur_rank
      from joined j
    ),
    decided as (
      select s.*,
        case
          when s.cur_rank = 0 then 'ladder_changed'
          when s.q_rank > s.cur_rank then 'upgrade'
          when not s.has_row then 'unchanged'
          when s.source = 'override' and (s.override_until is null or s.override_until > ${atTs}) then 'unchanged'
          when s.source = 'override' then 'override_expired'
          when s.q_rank = s.cur_rank then case when s.grace_until is not null then 'grace_cleared' else 'unchanged' end
          when ${minStay}::int > 0 and ((s.since at time zone ${tz}) + make_interval(days => ${minStay}::int)) at time zone ${tz} > ${atTs} then 'unchanged'
          when ${grace}::int > 0 and s.grace_until is null then 'grace_started'
          when ${grace}::int > 0 and s.grace_until > ${atTs} then 'unchanged'
          else 'downgrade'
        end as reason
      from state s
    ),
    writes as (
      select d.member_id, d.reason,
             coalesce(d.cur_code, ${codes[0]}::text) as from_code,
             case when d.reason in ${MOVES} then d.q_code else d.cur_code end as new_code,
             case when d.reason in ${MOVES} then 'auto' else d.source end as new_source,
             case when d.reason in ${MOVES} and d.cur_code is distinct from d.q_code then ${atTs} else d.since end as new_since,
             case when d.reason in ${MOVES} then null else d.override_until end as new_override_until,
             case when d.reason in ${MOVES} then null else d.override_reason end as new_override_reason,
             case when d.reason = 'grace_started' then ((${atTs} at time zone ${tz}) + make_interval(days => ${grace}::int)) at time zone ${tz}
                  when d.reason in ${MOVES} or d.reason = 'grace_cleared' then null
                  else d.grace_until end as new_grace_until
      from decided d
      where d.reason <> 'unchanged' or d.needs_review
    ),
    saved as (
      insert into member_tier (tenant_id, member_id, tier_code, source, since, override_until, override_reason, grace_until, needs_review, updated_at)
      select ${tenantId}, member_id, new_code, new_source, new_since, new_override_until, new_override_reason, new_grace_until, false, ${atTs}
      from writes
      on conflict (tenant_id, member_id) do update set
        tier_code = excluded.tier_code, source = excluded.source, since = excluded.since,
        override_until = excluded.override_until, override_reason = excluded.override_reason,
        grace_until = excluded.grace_until, needs_review = false, updated_at = excluded.updated_at
    ),
    history as (
      insert into member_tier_history (tenant_id, member_id, from_code, to_code, reason, receipt_id, actor_type, actor_id, note, at)
      select ${tenantId}, member_id, from_code, new_code, reason, null, 'system', 'tiers.reevaluate', null, ${atTs}
      from writes where from_code is distinct from new_code or reason = 'grace_started'
    ),
    events as (
      insert into event_outbox (tenant_id, type, dedupe_key, member_id, payload, occurred_at)
      select ${tenantId}, 'tier.changed', null, member_id,
             jsonb_build_object('memberId', member_id, 'from', from_code, 'to', new_code, 'reason', reason,
                                'receiptId', null, 'at', ${at.toISOString()}::text),
             ${atTs}
      from writes where from_code is distinct from new_code
    )
    select (select count(*) from writes)::int as written,
           (select count(*) from writes where from_code is distinct from new_code)::int as moved`;
}

async function nextBatch(
  db: Db,
  run: TenantRun,
  mode: 'all' | 'attention',
  after: string,
  limit: number,
): Promise<string[]> {
  const rows =
    mode === 'all'
      ? await db
          .selectFrom('member')
          .select('id')
          .where('tenant_id', '=', run.tenantId)
          .where('id', '>', after)
          .orderBy('id')
          .limit(limit)
          .execute()
      : await db
          .selectFrom('member_tier')
          .select('member_id as id')
          .where('tenant_id', '=', run.tenantId)
          .where('member_id', '>', after)
          .where((eb) =>
            eb.or([
              eb('needs_review', '=', true),
              eb.and([eb('source', '=', 'override'), eb('override_until', '<=', run.at)]),
              eb('grace_until', '<=', run.at),
            ]),
          )
          .orderBy('member_id')
          .limit(limit)
          .execute();
  return rows.map((r) => r.id);
}

/** Re-evaluates one tenant's members at `at` (see tierReevaluationJob). */
export async function reevaluateTenantTiers(
  db: Db,
  tenantId: string,
  ladder: TierLadder,
  at: Date,
  opts: { forceFullPass?: boolean; batchSize?: number } = {},
): Promise<ReevaluationResult> {
  const timeZone = (await getProgramAt(db, tenantId, at)).program.timezone;
  const run: TenantRun = {
    tenantId,
    ladder,
    at,
    timeZone,
    from: computeQualifyingWindow(ladder, at, timeZone).from,
  };
  const fullPass = (await claimFullPass(db, tenantId, at, timeZone)) || opts.forceFullPass === true;
  const result: ReevaluationResult = { members: 0, written: 0, moved: 0, fullPass };
  const batchSize = opts.batchSize ?? REEVALUATION_BATCH;
  // A full pass looks at everyone, so the flagged members too.
  for (const mode of fullPass ? (['all'] as const) : (['attention'] as const)) {
    let after = '';
    for (;;) {
      const ids = await nextBatch(db, run, mode, after, batchSize);
      if (ids.length === 0) break;
      const r = await inTransaction(db, (trx) =>
        evaluateBatch(trx, run, ids, mode === 'all' ? 'contiguous' : 'sparse'),
      );
      result.members += ids.length;
      result.written += r.written;
      result.moved += r.moved;
      after = ids[ids.length - 1]!;
      if (ids.length < batchSize) break;
    }
  }
  return result;
}

/**
 * Tier re-evaluation: downgrades (and late upgrades) happen here, never on a receipt. Once per
 * local day per tenant it goes over every member in batches of REEVALUATION_BATCH (set-based SQL,
 * no per-member queries); every run also handles refunds since the last run, expired overrides
 * and ended grace periods. `processed` counts members whose tier changed.
 */
export const tierReevaluationJob: JobDefinition = {
  id: 'tiers.reevaluate',
  description:
    'Re-evaluates member tiers: downgrades after the window moved or a refund, expired overrides, grace periods.',
  run: async ({ db, at }) => {
    const ladders = await db.selectFrom('tier_ladder').select(['tenant_id', 'settings']).execute();
    let processed = 0;
    for (const row of ladders) {
      const ladder = row.settings as TierLadder;
      if (ladder.tiers.length === 0) continue;
      processed += (await reevaluateTenantTiers(db, row.tenant_id, ladder, at)).moved;
    }
    return { processed };
  },
};

export const tierJobs: readonly JobDefinition[] = [tierReevaluationJob];
