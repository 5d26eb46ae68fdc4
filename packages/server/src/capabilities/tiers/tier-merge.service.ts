import { pickMergedTier } from '@kopilka/domain/members';
import { tierRank } from '@kopilka/domain/tiers';
import type { Trx } from '../../platform/db';
import type { AuditActor } from '../audit/audit.service';
import { emitEvent } from '../events/events.service';
import * as repo from './tiers.repository';
import { findLadder } from './tiers.service';

/**
 * Merging a duplicate member: the survivor keeps the higher of the two tiers (with its source,
 * override and grace dates). The duplicate's tier row goes (its receipts and status points now
 * count for the survivor, and a merged member is never re-evaluated); its tier history stays as
 * it was. Returns the tier code the survivor ends with (null = entry tier / no ladder).
 */
export async function mergeMemberTier(
  trx: Trx,
  input: { tenantId: string; survivorId: string; duplicateId: string; actor: AuditActor; now: Date },
): Promise<{ code: string | null; from: 'survivor' | 'duplicate' }> {
  const { tenantId, survivorId, duplicateId, now } = input;
  const survivor = await repo.lockMemberTierRow(trx, tenantId, survivorId);
  const duplicate = await repo.lockMemberTierRow(trx, tenantId, duplicateId);
  await trx
    .deleteFrom('member_tier')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', duplicateId)
    .execute();
  const ladder = await findLadder(trx, tenantId);
  if (!ladder || !duplicate) return { code: survivor?.tier_code ?? null, from: 'survivor' };
  // No row = the entry tier (rank 0).
  const from = pickMergedTier(
    survivor ? tierRank(ladder, survivor.tier_code) : 0,
    tierRank(ladder, duplicate.tier_code),
  );
  if (from === 'survivor') return { code: survivor?.tier_code ?? null, from };
  await repo.saveMemberTier(trx, {
    tenantId,
    memberId: survivorId,
    code: duplicate.tier_code,
    source: duplicate.source,
    since: duplicate.since,
    overrideUntil: duplicate.override_until,
    overrideReason: duplicate.override_reason,
    graceUntil: duplicate.grace_until,
    now,
  });
  await repo.insertHistory(trx, {
    tenant_id: tenantId,
    member_id: survivorId,
    from_code: survivor?.tier_code ?? null,
    to_code: duplicate.tier_code,
    reason: 'merge',
    receipt_id: null,
    actor_type: input.actor.actorType,
    actor_id: input.actor.actorId,
    note: `merged ${duplicateId}`,
    at: now,
  });
  await emitEvent(trx, {
    tenantId,
    type: 'tier.changed',
    memberId: survivorId,
    payload: {
      memberId: survivorId,
      from: survivor?.tier_code ?? null,
      to: duplicate.tier_code,
      reason: 'merge',
      receiptId: null,
      at: now.toISOString(),
    },
    at: now,
  });
  return { code: duplicate.tier_code, from };
}
