import { type Db, type DbOrTrx, inTransaction, isUniqueViolation, type Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { recordAudit } from '../audit/audit.service';
import { POINTS } from '../ledger/wallet.service';
import { moveWallet, repointForwards, stopForwarding } from '../ledger/wallet-transfer.service';
import { maybeIdempotent } from './idempotency';
import * as repo from './members.repository';
import { getMemberOrThrow, type WriteContext } from './members.service';
import type { HouseholdRole } from './members.table';

// Households and company accounts: members grouped to share one wallet, with one owner (the
// account holder / the company's main contact) and members (family, employees). A member belongs
// to at most one household. The household's wallet is the points accounts of one member
// (`wallet_member_id`, the owner at creation): a member who joins brings their points into it and
// their accounts forward there, so every purchase, spend, hold, refund and expiry of any member
// lands in the shared wallet. A member who leaves starts with an empty wallet of their own; the
// points stay with the household.

export type HouseholdView = {
  householdId: string;
  name: string;
  kind: 'family' | 'company';
  members: { memberId: string; role: HouseholdRole; joinedAt: string }[];
  /** The member whose points accounts are the household's shared wallet. */
  walletMemberId: string | null;
  createdAt: string;
};

function householdNotFound(id: string): AppError {
  return new AppError('not_found', `Household '${id}' does not exist in this program.`);
}

export async function getHouseholdOrThrow(
  db: DbOrTrx,
  tenantId: string,
  householdId: string,
): Promise<HouseholdView> {
  const h = await db
    .selectFrom('household')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', householdId)
    .executeTakeFirst();
  if (!h) throw householdNotFound(householdId);
  const members = await db
    .selectFrom('household_member')
    .select(['member_id', 'role', 'joined_at'])
    .where('tenant_id', '=', tenantId)
    .where('household_id', '=', householdId)
    .orderBy('joined_at')
    .orderBy('member_id')
    .execute();
  return {
    householdId: h.id,
    name: h.name,
    kind: h.kind,
    members: members.map((m) => ({
      memberId: m.member_id,
      role: m.role,
      joinedAt: m.joined_at.toISOString(),
    })),
    walletMemberId: h.wallet_member_id,
    createdAt: h.created_at.toISOString(),
  };
}

async function addMember(
  trx: Trx,
  ctx: WriteContext,
  householdId: string,
  memberId: string,
  role: HouseholdRole,
): Promise<void> {
  // The member row lock serializes joining with a merge of the same member.
  await repo.lockMember(trx, ctx.tenantId, memberId);
  const member = await getMemberOrThrow(trx, ctx.tenantId, memberId);
  if (member.status === 'anonymized') throw new AppError('conflict', `Member '${memberId}' was erased.`);
  if (member.status === 'merged') {
    throw new AppError(
      'conflict',
      `Member '${memberId}' was merged into ${member.mergedInto}; add that member instead.`,
      {
        mergedInto: member.mergedInto,
      },
    );
  }
  if (member.householdId) {
    throw new AppError(
      'conflict',
      `Member '${memberId}' already belongs to household ${member.householdId}; remove them there first.`,
      { householdId: member.householdId },
    );
  }
  if (role === 'owner') {
    const owner = await trx
      .selectFrom('household_member')
      .select('member_id')
      .where('tenant_id', '=', ctx.tenantId)
      .where('household_id', '=', householdId)
      .where('role', '=', 'owner')
      .executeTakeFirst();
    if (owner)
      throw new AppError('conflict', `Household ${householdId} already has an owner (${owner.member_id}).`);
  }
  await trx
    .insertInto('household_member')
    .values({
      tenant_id: ctx.tenantId,
      household_id: householdId,
      member_id: memberId,
      role,
      joined_at: ctx.now,
    })
    .execute();
  const pointsMoved = await poolIntoHousehold(trx, ctx, householdId, memberId);
  await recordAudit(trx, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    action: 'household.joined',
    targetType: 'member',
    targetId: memberId,
    details: { householdId, role, pointsMoved },
    requestId: ctx.requestId,
  });
}

/**
 * Brings a joining member's points into the household wallet (lots keep their dates) and points
 * their accounts there; members merged into this one earlier follow. The first member of a
 * household without a wallet (a new household) becomes its holder. Returns the net points moved.
 */
async function poolIntoHousehold(trx: Trx, ctx: WriteContext, householdId: string, memberId: string) {
  const h = await trx
    .selectFrom('household')
    .select('wallet_member_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', householdId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (h.wallet_member_id === null || h.wallet_member_id === memberId) {
    await setHouseholdWallet(trx, ctx.tenantId, householdId, memberId);
    return 0;
  }
  const move = await moveWallet(
    trx,
    { tenantId: ctx.tenantId, currency: POINTS, fromMemberId: memberId, toMemberId: h.wallet_member_id },
    {
      now: ctx.now,
      scope: 'household.pool',
      forwardReason: 'household',
      entryKinds: { out: 'household_out', in: 'household_in' },
      reason: `household ${householdId}`,
    },
  );
  await repointForwards(trx, {
    tenantId: ctx.tenantId,
    currency: POINTS,
    fromHolder: memberId,
    toHolder: move.holderId,
  });
  return move.points;
}

export async function setHouseholdWallet(
  trx: Trx,
  tenantId: string,
  householdId: string,
  walletMemberId: string | null,
): Promise<void> {
  await trx
    .updateTable('household')
    .set({ wallet_member_id: walletMemberId })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', householdId)
    .execute();
}

/** Concurrent adds of one member race on the (tenant, member) key: report it as the conflict it is. */
async function withMembershipRace<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError(
        'conflict',
        'The member joined a household at the same moment; look them up and retry.',
      );
    }
    throw err;
  }
}

export async function createHousehold(
  db: Db,
  ctx: WriteContext,
  input: { name: string; kind: 'family' | 'company'; ownerMemberId: string },
  idempotencyKey?: string,
): Promise<HouseholdView> {
  const op = { tenantId: ctx.tenantId, scope: 'households.create', key: idempotencyKey, request: input };
  return withMembershipRace(() =>
    inTransaction(db, (trx) =>
      maybeIdempotent(trx, op, 201, async () => {
        const householdId = newId('hh');
        await trx
          .insertInto('household')
          .values({
            id: householdId,
            tenant_id: ctx.tenantId,
            name: input.name,
            kind: input.kind,
            created_at: ctx.now,
            wallet_member_id: null,
          })
          .execute();
        await addMember(trx, ctx, householdId, input.ownerMemberId, 'owner');
        return getHouseholdOrThrow(trx, ctx.tenantId, householdId);
      }),
    ),
  );
}

export async function addHouseholdMember(
  db: Db,
  ctx: WriteContext,
  householdId: string,
  input: { memberId: string; role: HouseholdRole },
  idempotencyKey?: string,
): Promise<HouseholdView> {
  const op = {
    tenantId: ctx.tenantId,
    scope: 'households.add',
    key: idempotencyKey,
    request: { householdId, input },
  };
  return withMembershipRace(() =>
    inTransaction(db, (trx) =>
      maybeIdempotent(trx, op, 201, async () => {
        await getHouseholdOrThrow(trx, ctx.tenantId, householdId);
        await addMember(trx, ctx, householdId, input.memberId, input.role);
        return getHouseholdOrThrow(trx, ctx.tenantId, householdId);
      }),
    ),
  );
}

export async function removeHouseholdMember(
  db: Db,
  ctx: WriteContext,
  householdId: string,
  memberId: string,
): Promise<HouseholdView> {
  await inTransaction(db, async (trx) => {
    const household = await getHouseholdOrThrow(trx, ctx.tenantId, householdId);
    const entry = household.members.find((m) => m.memberId === memberId);
    if (!entry) throw new AppError('not_found', `Member '${memberId}' is not in household ${householdId}.`);
    if (entry.role === 'owner' && household.members.length > 1) {
      throw new AppError(
        'conflict',
        'The owner can leave only as the last member: remove the others first, or make one of them the owner of a new household.',
      );
    }
    await trx
      .deleteFrom('household_member')
      .where('tenant_id', '=', ctx.tenantId)
      .where('household_id', '=', householdId)
      .where('member_id', '=', memberId)
      .execute();
    // The points stay in the household wallet; the member starts again with an empty one. The
    // holder leaves last (the owner), keeping the wallet's points in their own accounts.
    if (memberId === household.walletMemberId) {
      await setHouseholdWallet(trx, ctx.tenantId, householdId, null);
    } else {
      await stopForwarding(trx, ctx.tenantId, memberId, POINTS);
    }
    await recordAudit(trx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: 'household.left',
      targetType: 'member',
      targetId: memberId,
      details: { householdId },
      requestId: ctx.requestId,
    });
  });
  return getHouseholdOrThrow(db, ctx.tenantId, householdId);
}
