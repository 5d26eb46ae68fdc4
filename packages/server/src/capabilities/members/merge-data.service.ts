import { computeMergedConsents } from '@kopilka/domain/members';
import { sql } from 'kysely';
import type { Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { endAllCabinetSessions } from '../cabinet/cabinet.service';
import { memberScopePrefix } from '../campaigns/campaign-pricing.service';

// The member-scoped rows a merge hands from the duplicate to the survivor, across capabilities
// (like `memberDataSections` for export, this is the one place that knows them all). History that
// is append-only (postings, ledger entries, audit, outbox, tier history) stays with the duplicate.

export type MergeIds = { tenantId: string; survivorId: string; duplicateId: string; now: Date };

export type MergeDataCounts = {
  receiptsMoved: number;
  cardsMoved: number;
  consentsMoved: number;
  notesMoved: number;
};

const moved = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows);

/** Refuses what a merge cannot decide on its own: two live paid memberships. */
export async function checkMergeableData(trx: Trx, ids: MergeIds): Promise<void> {
  const live = await trx
    .selectFrom('membership')
    .select(['member_id', 'id'])
    .where('tenant_id', '=', ids.tenantId)
    .where('member_id', 'in', [ids.survivorId, ids.duplicateId])
    .where('status', 'in', ['trial', 'active'])
    .execute();
  if (new Set(live.map((m) => m.member_id)).size === 2) {
    throw new AppError(
      'conflict',
      'Both members have a live paid membership; cancel the duplicate’s membership first, then merge.',
      { membershipIds: live.map((m) => m.id) },
    );
  }
}

export async function moveMemberData(trx: Trx, ids: MergeIds): Promise<MergeDataCounts> {
  const { tenantId, survivorId: s, duplicateId: d } = ids;
  const repoint = <T extends 'receipt' | 'member_card' | 'member_note'>(table: T) =>
    trx
      .updateTable(table as 'receipt')
      .set({ member_id: s })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', d)
      .executeTakeFirst()
      .then(moved);
  // Campaign state first: the duplicate's usage rows and limit counters are found through its
  // receipts (indexed by member), before those move.
  await moveCampaignAndCouponState(trx, ids);
  // Receipts follow the member: a refund of an old receipt finds its lots through them, tiers and
  // analytics count them for the survivor.
  const receiptsMoved = await repoint('receipt');
  const cardsMoved = await repoint('member_card');
  const notesMoved = await repoint('member_note');
  const consentsMoved = await moveConsents(trx, ids);
  await moveOtherRows(trx, ids);
  return { receiptsMoved, cardsMoved, consentsMoved, notesMoved };
}

/** Every grant and withdrawal moves (history kept); the survivor keeps the newest decision per channel and purpose. */
async function moveConsents(trx: Trx, { tenantId, survivorId, duplicateId }: MergeIds): Promise<number> {
  const rows = await trx
    .selectFrom('member_consent')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', [survivorId, duplicateId])
    .execute();
  const decision = (r: (typeof rows)[number]) => ({ ...r, updatedAt: r.updated_at });
  const winners = computeMergedConsents(
    rows.filter((r) => r.member_id === survivorId).map(decision),
    rows.filter((r) => r.member_id === duplicateId).map(decision),
  );
  for (const w of winners) {
    const values = {
      granted: w.granted,
      text_version: w.text_version,
      source: w.source,
      updated_at: w.updated_at,
    };
    await trx
      .insertInto('member_consent')
      .values({
        tenant_id: tenantId,
        member_id: survivorId,
        channel: w.channel,
        purpose: w.purpose,
        ...values,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'channel', 'purpose']).doUpdateSet(values))
      .execute();
  }
  await trx
    .deleteFrom('member_consent')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', duplicateId)
    .execute();
  const events = await trx
    .updateTable('member_consent_event')
    .set({ member_id: survivorId })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', duplicateId)
    .executeTakeFirst();
  return moved(events);
}

/**
 * Campaign progress (stamps, spend), per-member campaign limit counters and per-member coupon uses
 * add up; usage records, personal coupons and redemptions follow the member, so a refund of an old
 * receipt gives back to the survivor's counts.
 */
async function moveCampaignAndCouponState(trx: Trx, ids: MergeIds) {
  const { tenantId, survivorId: s, duplicateId: d, now } = ids;
  await moveCampaignLimitCounters(trx, ids);
  await sql`
    insert into campaign_member_state as c (tenant_id, campaign_id, member_id, stamps, spend_minor, updated_at)
    select tenant_id, campaign_id, ${s}, stamps, spend_minor, ${now} from campaign_member_state
    where tenant_id = ${tenantId} and member_id = ${d}
    on conflict (tenant_id, campaign_id, member_id) do update
      set stamps = c.stamps + excluded.stamps, spend_minor = c.spend_minor + excluded.spend_minor,
          updated_at = excluded.updated_at`.execute(trx);
  await sql`delete from campaign_member_state where tenant_id = ${tenantId} and member_id = ${d}`.execute(
    trx,
  );
  await sql`
    insert into coupon_member_use as u (tenant_id, series_id, member_id, uses)
    select tenant_id, series_id, ${s}, uses from coupon_member_use where tenant_id = ${tenantId} and member_id = ${d}
    on conflict (tenant_id, series_id, member_id) do update set uses = u.uses + excluded.uses`.execute(trx);
  await sql`delete from coupon_member_use where tenant_id = ${tenantId} and member_id = ${d}`.execute(trx);
  for (const table of ['coupon', 'coupon_redemption'] as const) {
    await trx
      .updateTable(table)
      .set({ member_id: s })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', d)
      .execute();
  }
}

/**
 * A per-member limit ("once per member", "twice a month") counts uses in a row per campaign and
 * period keyed `member:<id>:<period>`: the duplicate's rows add to the survivor's of the same
 * campaign and period, so two records of one person cannot take an offer twice. Usage records
 * carry that key so a refund gives the use back; they now name the survivor's row.
 *
 * The duplicate's counter keys are exactly the keys its usage records name (a counter is only
 * counted together with a usage record), found through the duplicate's receipts, which are
 * indexed by member; the counters themselves are indexed by campaign, not member. Runs once per
 * merge: a repeated merge of the pair returns before moving anything.
 */
async function moveCampaignLimitCounters(trx: Trx, { tenantId, survivorId: s, duplicateId: d }: MergeIds) {
  const from = memberScopePrefix(d);
  const to = memberScopePrefix(s);
  const usages = sql`
    select u.campaign_id, u.member_scope_key from receipt r
      join campaign_usage u on u.tenant_id = r.tenant_id and u.receipt_id = r.id
     where r.tenant_id = ${tenantId} and r.member_id = ${d} and u.member_id = ${d}`;
  await sql`
    with keys as (
      select distinct campaign_id, member_scope_key as scope_key from (${usages}) u
       where left(member_scope_key, ${from.length}) = ${from}
    ), gone as (
      delete from campaign_counter c using keys k
       where c.tenant_id = ${tenantId} and c.campaign_id = k.campaign_id and c.scope_key = k.scope_key
      returning c.campaign_id, c.scope_key, c.uses, c.points, c.money_minor
    )
    insert into campaign_counter as c (tenant_id, campaign_id, scope_key, uses, points, money_minor)
    select ${tenantId}, campaign_id, ${to} || substr(scope_key, ${from.length + 1}), uses, points, money_minor
      from gone
    on conflict (tenant_id, campaign_id, scope_key) do update
      set uses = c.uses + excluded.uses, points = c.points + excluded.points,
          money_minor = c.money_minor + excluded.money_minor`.execute(trx);
  await sql`
    update campaign_usage u set member_id = ${s},
      member_scope_key = case when left(u.member_scope_key, ${from.length}) = ${from}
        then ${to} || substr(u.member_scope_key, ${from.length + 1}) else u.member_scope_key end
      from receipt r
     where r.tenant_id = ${tenantId} and r.member_id = ${d}
       and u.tenant_id = r.tenant_id and u.receipt_id = r.id and u.member_id = ${d}`.execute(trx);
}

async function moveOtherRows(trx: Trx, { tenantId, survivorId: s, duplicateId: d }: MergeIds) {
  // Rewarded events (birthdays, sign-up…) count once per member: the survivor's own win a clash.
  await sql`
    update member_event e set member_id = ${s}
    where e.tenant_id = ${tenantId} and e.member_id = ${d} and not exists (
      select 1 from member_event o where o.tenant_id = e.tenant_id and o.member_id = ${s}
        and o.type = e.type and o.dedupe_key = e.dedupe_key)`.execute(trx);
  for (const table of ['membership', 'membership_payment'] as const) {
    await trx
      .updateTable(table)
      .set({ member_id: s })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', d)
      .execute();
  }
  // The duplicate can no longer sign in to the cabinet.
  await endAllCabinetSessions(trx, { tenantId, memberId: d });
}
