import { type Db, type DbOrTrx, inTransaction } from '../../platform/db';
import { recordAudit } from '../audit/audit.service';
import { blockCardsOfMember, listCardsOfMember } from '../cards/cards.service';
import { eraseConsents, listConsentHistory, listConsents } from '../consents/consents.service';
import { listHistory } from '../ledger/ledger.service';
import { deleteVerificationsForPhone } from '../verifications/verifications.service';
import * as repo from './members.repository';
import { getMemberDetails, type MemberView, memberNotFound, type WriteContext } from './members.service';

// Data-subject requests (152-FZ art. 14, GDPR art. 15/17). Export gathers everything we hold about
// a member; erase anonymizes the person (identifiers and personal fields) but keeps the member id,
// the ledger and the receipts, which accounting must keep. Other capabilities that hold member
// data add a section to `memberDataSections` (export) and, if they hold personal data, must
// not: store only member ids, never phones, emails or names, so erase has nothing to chase.

export type MemberDataSection = {
  name: string;
  collect: (db: DbOrTrx, tenantId: string, memberId: string) => Promise<unknown>;
};

async function collectAll<T>(
  fetch: (beforeId: number | undefined) => Promise<{ items: T[]; more: boolean }>,
  idOf: (item: T) => number,
): Promise<T[]> {
  const out: T[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await fetch(beforeId);
    out.push(...page.items);
    const last = page.items[page.items.length - 1];
    if (!page.more || !last) return out;
    beforeId = idOf(last);
  }
}

export const memberDataSections: MemberDataSection[] = [
  { name: 'cards', collect: (db, t, m) => listCardsOfMember(db, t, m) },
  {
    name: 'consents',
    collect: async (db, t, m) => ({
      current: await listConsents(db, t, m),
      history: await collectAll(
        (beforeId) => listConsentHistory(db, t, m, { limit: 500, beforeId }),
        (e) => Number(e.consentEventId),
      ),
    }),
  },
  {
    name: 'notes',
    collect: async (db, t, m) =>
      (await repo.listNotes(db, t, m, { limit: 10_000 })).map((n) => ({
        noteId: n.id,
        text: n.body,
        createdAt: n.created_at.toISOString(),
      })),
  },
  {
    name: 'household',
    collect: (db, t, m) =>
      db
        .selectFrom('household_member')
        .innerJoin('household', 'household.id', 'household_member.household_id')
        .select(['household.id as householdId', 'household.name', 'household_member.role'])
        .where('household_member.tenant_id', '=', t)
        .where('household_member.member_id', '=', m)
        .executeTakeFirst()
        .then((r) => r ?? null),
  },
  {
    name: 'activity',
    collect: async (db, t, m) =>
      (
        await db
          .selectFrom('audit_log')
          .select(['at', 'action', 'actor_type', 'actor_id', 'details'])
          .where('tenant_id', '=', t)
          .where('target_type', '=', 'member')
          .where('target_id', '=', m)
          .orderBy('id')
          .execute()
      ).map((r) => ({
        at: r.at.toISOString(),
        action: r.action,
        actorType: r.actor_type,
        details: r.details,
      })),
  },
  {
    name: 'points',
    collect: async (db, t, m) => {
      const entries: unknown[] = [];
      let cursor: string | undefined;
      do {
        const page = await listHistory(db, t, m, { limit: 500, cursor });
        entries.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return entries;
    },
  },
];

export type MemberExport = {
  exportedAt: string;
  member: MemberView;
  [section: string]: unknown;
};

export async function exportMemberData(db: Db, ctx: WriteContext, memberId: string): Promise<MemberExport> {
  const member = await getMemberDetails(db, ctx.tenantId, memberId);
  const out: MemberExport = { exportedAt: ctx.now.toISOString(), member };
  for (const section of memberDataSections) {
    out[section.name] = await section.collect(db, ctx.tenantId, memberId);
  }
  await recordAudit(db, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: 'member.exported',
    targetType: 'member',
    targetId: memberId,
    details: { sections: ['member', ...memberDataSections.map((s) => s.name)] },
    requestId: ctx.requestId,
  });
  return out;
}

/**
 * Anonymize a member. Idempotent: erasing an erased member changes nothing. What goes: phone,
 * email, names, birth date, external id, tags, attributes, notes, the QR handle, one-time codes,
 * consent evidence (consents are withdrawn), free-text block reasons; cards are blocked. What
 * stays: the member id, status `anonymized`, the card numbers (blocked, so they can never be
 * bound again), the ledger and the receipts.
 */
export async function eraseMember(db: Db, ctx: WriteContext, memberId: string): Promise<MemberView> {
  await inTransaction(db, async (trx) => {
    const member = await repo.lockMember(trx, ctx.tenantId, memberId);
    if (!member) throw memberNotFound(memberId);
    if (member.status === 'anonymized') return;
    await repo.updateMember(trx, ctx.tenantId, memberId, {
      ...repo.NO_PERSONAL_DATA,
      status: 'anonymized',
      status_reason: null,
      blocked_at: null,
      anonymized_at: ctx.now,
      updated_at: ctx.now,
    });
    await trx
      .deleteFrom('member_note')
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .execute();
    await eraseConsents(trx, { tenantId: ctx.tenantId, memberId, actor: ctx.actor, at: ctx.now });
    if (member.phone) await deleteVerificationsForPhone(trx, ctx.tenantId, member.phone);
    await blockCardsOfMember(trx, ctx.tenantId, memberId, 'erased', ctx.now);
    await trx
      .updateTable('member_card')
      .set({ block_reason: 'erased' })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .execute();
    await trx
      .deleteFrom('household_member')
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .execute();
    await trx
      .deleteFrom('member_import_row')
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .execute();
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'member.erased',
      targetType: 'member',
      targetId: memberId,
      requestId: ctx.requestId,
    });
    await repo.insertMemberEvent(trx, {
      tenantId: ctx.tenantId,
      type: 'member.erased',
      memberId,
      payload: { memberId },
      at: ctx.now,
    });
  });
  return getMemberDetails(db, ctx.tenantId, memberId);
}
