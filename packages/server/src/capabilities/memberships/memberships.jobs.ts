import { sql } from 'kysely';
import type { JobDefinition } from '../../platform/jobs';

const END_BATCH = 1_000;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;
const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', ${ISO})`);

/**
 * Membership renewals, set-based over every tenant:
 * - `membership.renewal_due` once per membership and period, `renewalNoticeDays` before it ends
 *   (the shop charges and then records the payment with POST …/renewals);
 * - a period that ended unpaid ends the membership: `expired` (event `membership.expired`), or
 *   `cancelled` when it was cancelled at period end (event `membership.ended`).
 * Benefits stop at the period end even before this runs (receipts check the period); the job
 * records the fact and tells the shop. Dedupe keys on the outbox make reruns and parallel nodes
 * emit each event once; SKIP LOCKED splits the work between nodes.
 */
export const membershipRenewalsJob: JobDefinition = {
  id: 'memberships.renewals',
  description:
    'Emits membership.renewal_due before a period ends; ends memberships whose period ended unpaid (membership.expired).',
  run: async ({ db, at }) => {
    const due = await sql`
      insert into event_outbox (tenant_id, type, dedupe_key, member_id, payload, occurred_at)
      select m.tenant_id, 'membership.renewal_due', m.id || ':' || ${iso('m.current_period_end')}, m.member_id,
             jsonb_build_object('membershipId', m.id, 'memberId', m.member_id, 'planId', p.id, 'planCode', p.code,
                                'priceMinor', p.price_minor, 'status', m.status, 'currentPeriodEnd', ${iso('m.current_period_end')}),
             ${at}
      from membership m
      join membership_plan p on p.tenant_id = m.tenant_id and p.id = m.plan_id
      where m.status in ('trial', 'active') and not m.cancel_at_period_end
        and m.current_period_end > ${at}
        and m.current_period_end - make_interval(days => p.renewal_notice_days) <= ${at}
      on conflict (tenant_id, type, dedupe_key) where dedupe_key is not null do nothing`.execute(db);
    let processed = Number(due.numAffectedRows ?? 0);
    for (;;) {
      const ended = await sql<{ n: number }>`
        with ended as (
          update membership m
          set status = case when m.cancel_at_period_end then 'cancelled' else 'expired' end,
              ended_at = m.current_period_end, updated_at = ${at}
          from (
            select tenant_id, id from membership
            where status in ('trial', 'active') and current_period_end <= ${at}
            order by current_period_end
            limit ${END_BATCH}
            for update skip locked
          ) due
          where m.tenant_id = due.tenant_id and m.id = due.id
          returning m.tenant_id, m.id, m.member_id, m.plan_id, m.status, m.current_period_end
        ),
        events as (
          insert into event_outbox (tenant_id, type, dedupe_key, member_id, payload, occurred_at)
          select tenant_id, case when status = 'expired' then 'membership.expired' else 'membership.ended' end,
                 id || ':' || ${iso('current_period_end')}, member_id,
                 jsonb_build_object('membershipId', id, 'memberId', member_id, 'planId', plan_id, 'status', status,
                                    'endedAt', ${iso('current_period_end')}),
                 ${at}
          from ended
          on conflict (tenant_id, type, dedupe_key) where dedupe_key is not null do nothing
        )
        select count(*)::int as n from ended`.execute(db);
      const n = Number(ended.rows[0]?.n ?? 0);
      processed += n;
      if (n < END_BATCH) break;
    }
    return { processed };
  },
};

export const membershipJobs: readonly JobDefinition[] = [membershipRenewalsJob];
