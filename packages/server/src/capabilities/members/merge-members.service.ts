import { computeMergedProfile, type MergeProfile } from '@kopilka/domain/members';
import { sql } from 'kysely';
import { type Db, inTransaction, type Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { recordAudit } from '../audit/audit.service';
import { emitEvent } from '../events/events.service';
import { mergeMemberTier } from '../tiers/tier-merge.service';
import { maybeIdempotent } from './idempotency';
import * as repo from './members.repository';
import { getMemberDetails, type MemberView, memberNotFound, type WriteContext } from './members.service';
import { checkMergeableData, type MergeIds, moveMemberData } from './merge-data.service';
import { mergeWallets } from './merge-wallet.service';

// Merging a duplicate member into a survivor (issue 9), in one transaction: the ledger (every
// currency, lots keeping their dates, by postings), receipts, cards, consents, notes, tags,
// attributes, tier, household seat and campaign state move; the duplicate ends `merged` with its
// identifiers released, and a till that still sends its id is served the survivor.

export type MergeSummary = {
  duplicateMemberId: string;
  pointsMoved: Record<string, number>;
  lotsMoved: number;
  receiptsMoved: number;
  cardsMoved: number;
  consentsMoved: number;
  notesMoved: number;
  /** Profile fields the survivor lacked and took from the duplicate. */
  fieldsTaken: string[];
  tierCode: string | null;
  householdId: string | null;
};

export type MergeResult = { member: MemberView; merged: MergeSummary };

export const MERGE_SCOPE = 'members.merge';

type LockedMember = NonNullable<Awaited<ReturnType<typeof repo.findMemberById>>>;

export async function mergeMembers(
  db: Db,
  ctx: WriteContext,
  survivorId: string,
  duplicateId: string,
  idempotencyKey?: string,
): Promise<MergeResult> {
  if (survivorId === duplicateId) {
    throw new AppError(
      'unprocessable',
      'A member cannot be merged into itself; name two different members.',
      {
        memberId: survivorId,
      },
    );
  }
  const op = {
    tenantId: ctx.tenantId,
    scope: MERGE_SCOPE,
    key: idempotencyKey,
    request: { survivorId, duplicateMemberId: duplicateId },
  };
  return inTransaction(db, (trx) =>
    maybeIdempotent(trx, op, 200, async () => {
      const { survivor, duplicate } = await lockPair(trx, ctx.tenantId, survivorId, duplicateId);
      if (duplicate.status === 'merged') {
        if (duplicate.merged_into !== survivorId) {
          throw new AppError(
            'conflict',
            `Member '${duplicateId}' was already merged into ${duplicate.merged_into}, not into ${survivorId}.`,
            { mergedInto: duplicate.merged_into },
          );
        }
        // The same merge again: the same answer, nothing changes.
        return {
          member: await getMemberDetails(trx, ctx.tenantId, survivorId),
          merged: await findSummary(trx, ctx.tenantId, duplicateId),
        };
      }
      checkMergeable(survivor, duplicate);
      const ids: MergeIds = { tenantId: ctx.tenantId, survivorId, duplicateId, now: ctx.now };
      await checkMergeableData(trx, ids);
      const wallet = await mergeWallets(trx, ids);
      const data = await moveMemberData(trx, ids);
      const tier = await mergeMemberTier(trx, { ...ids, actor: ctx.actor });
      const fieldsTaken = await mergeProfiles(trx, ctx, survivor, duplicate);
      const merged: MergeSummary = {
        duplicateMemberId: duplicateId,
        pointsMoved: wallet.pointsMoved,
        lotsMoved: wallet.lotsMoved,
        ...data,
        fieldsTaken,
        tierCode: tier.code,
        householdId: wallet.householdId,
      };
      await record(trx, ctx, survivorId, merged);
      return { member: await getMemberDetails(trx, ctx.tenantId, survivorId), merged };
    }),
  );
}

/** Both rows locked in id order, so two merges of the same pair (either way round) serialize. */
async function lockPair(trx: Trx, tenantId: string, survivorId: string, duplicateId: string) {
  for (const id of [survivorId, duplicateId].sort()) {
    if (!(await repo.lockMember(trx, tenantId, id))) throw memberNotFound(id);
  }
  const survivor = await repo.findMemberById(trx, tenantId, survivorId);
  const duplicate = await repo.findMemberById(trx, tenantId, duplicateId);
  if (!survivor) throw memberNotFound(survivorId);
  if (!duplicate) throw memberNotFound(duplicateId);
  return { survivor, duplicate };
}

function checkMergeable(survivor: LockedMember, duplicate: LockedMember): void {
  if (survivor.status === 'merged') {
    throw new AppError(
      'conflict',
      `Member '${survivor.id}' was itself merged into ${survivor.merged_into}; merge into that member instead.`,
      { mergedInto: survivor.merged_into },
    );
  }
  for (const m of [survivor, duplicate]) {
    if (m.status === 'anonymized') {
      throw new AppError('conflict', `Member '${m.id}' was erased; an erased member cannot be merged.`, {
        memberId: m.id,
      });
    }
  }
}

const profileOf = (m: LockedMember): MergeProfile => ({
  phone: m.phone,
  email: m.email,
  externalId: m.external_id,
  firstName: m.first_name,
  lastName: m.last_name,
  birthDate: m.birth_date,
  tags: m.tags,
  attributes: m.attributes,
});

/**
 * The duplicate becomes a tombstone (status `merged`, no personal data, no identifiers) first, so
 * the survivor can take the identifiers it lacks without touching the unique indexes twice.
 */
async function mergeProfiles(trx: Trx, ctx: WriteContext, survivor: LockedMember, duplicate: LockedMember) {
  const { profile, filled } = computeMergedProfile(profileOf(survivor), profileOf(duplicate));
  await repo.updateMember(trx, ctx.tenantId, duplicate.id, {
    ...repo.NO_PERSONAL_DATA,
    status: 'merged',
    status_reason: null,
    merged_into: survivor.id,
    merged_at: ctx.now,
    updated_at: ctx.now,
  });
  await repo.updateMember(trx, ctx.tenantId, survivor.id, {
    phone: profile.phone,
    email: profile.email,
    external_id: profile.externalId,
    first_name: profile.firstName,
    last_name: profile.lastName,
    birth_date: profile.birthDate,
    tags: [...profile.tags],
    attributes: { ...profile.attributes },
    updated_at: ctx.now,
  });
  // Members merged into the duplicate earlier now answer with the survivor (one hop, always).
  await trx
    .updateTable('member')
    .set({ merged_into: survivor.id })
    .where('tenant_id', '=', ctx.tenantId)
    .where('merged_into', '=', duplicate.id)
    .execute();
  return filled;
}

async function record(trx: Trx, ctx: WriteContext, survivorId: string, merged: MergeSummary) {
  await trx
    .insertInto('member_merge')
    .values({
      tenant_id: ctx.tenantId,
      duplicate_member_id: merged.duplicateMemberId,
      survivor_member_id: survivorId,
      summary: JSON.stringify(merged),
      actor_type: ctx.actor.actorType,
      actor_id: ctx.actor.actorId,
      merged_at: ctx.now,
    })
    .execute();
  // Audit and events carry ids and counts only, never personal data (erasure must not chase them).
  const { fieldsTaken, ...counts } = merged;
  await recordAudit(trx, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: 'member.merged',
    targetType: 'member',
    targetId: survivorId,
    details: { ...counts, fields: fieldsTaken },
    requestId: ctx.requestId,
  });
  await emitEvent(trx, {
    tenantId: ctx.tenantId,
    type: 'member.merged',
    memberId: survivorId,
    payload: { memberId: survivorId, ...counts },
    at: ctx.now,
  });
}

async function findSummary(trx: Trx, tenantId: string, duplicateId: string): Promise<MergeSummary> {
  const row = await trx
    .selectFrom('member_merge')
    .select(sql<MergeSummary>`summary`.as('summary'))
    .where('tenant_id', '=', tenantId)
    .where('duplicate_member_id', '=', duplicateId)
    .executeTakeFirst();
  if (!row) throw new Error(`merge record of ${duplicateId} is missing`);
  return row.summary;
}
