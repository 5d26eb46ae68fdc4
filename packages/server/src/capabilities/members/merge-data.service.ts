import { computeMergedConsents } from '@kopilka/domain/members';
import { sql } from 'kysely';
import type { Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { endAllCabinetSessions } from '../cabinet/cabinet.service';

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
  // Receipts follow the member: a refund of an old receipt finds its lots through them, tiers and
  // analytics count them for the survivor.
  const receiptsMoved = await repoint('receipt');
  const cardsMoved = await repoint('member_card');
  const notesMoved = await repoint('member_note');
  const consentsMoved = await moveConsents(trx, ids);
  await moveCampaignAndCouponState(trx, ids);
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
 * Campaign progress (stamps, spend) and per-member coupon uses add up; usage records, personal
 * coupons and redemptions follow the member, so a refund of an old receipt gives back to the
 * survivor's counts.
 */
async function moveCampaignAndCouponState(
  trx: Trx,
  { tenantId, survivorId: s, duplicateId: d, now }: MergeIds,
) {
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
  for (const table of ['campaign_usage', 'coupon', 'coupon_redemption'] as const) {
    await trx
      .updateTable(table)
      .set({ member_id: s })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', d)
      .execute();
  }
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
