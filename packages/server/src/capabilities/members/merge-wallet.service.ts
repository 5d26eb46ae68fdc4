import type { Trx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { POINTS } from '../ledger/wallet.service';
import { listMemberCurrencies, moveWallet, repointForwards } from '../ledger/wallet-transfer.service';
import { setHouseholdWallet } from './households.service';
import type { MergeIds } from './merge-data.service';

// The ledger and household side of a merge. The survivor's points wallet afterwards ("holder"):
// - survivor in a household: that household's wallet;
// - else duplicate in a household: the survivor takes the duplicate's place (and role); if the
//   duplicate held the household wallet, the survivor's accounts become it, otherwise the
//   survivor's own points join the household wallet like any member who joins;
// - else: the survivor's own accounts.
// Both in households is refused. Every currency of the duplicate moves (points to the holder;
// `status` and other currencies stay personal and go to the survivor), lots keeping their dates.

export type MergeWalletResult = {
  pointsMoved: Record<string, number>;
  lotsMoved: number;
  householdId: string | null;
};

type HouseholdSeat = { householdId: string; walletMemberId: string | null };

async function findSeat(trx: Trx, tenantId: string, memberId: string): Promise<HouseholdSeat | undefined> {
  const row = await trx
    .selectFrom('household_member')
    .innerJoin('household', (j) =>
      j
        .onRef('household.tenant_id', '=', 'household_member.tenant_id')
        .onRef('household.id', '=', 'household_member.household_id'),
    )
    .select(['household.id', 'household.wallet_member_id'])
    .where('household_member.tenant_id', '=', tenantId)
    .where('household_member.member_id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();
  return row ? { householdId: row.id, walletMemberId: row.wallet_member_id } : undefined;
}

export async function mergeWallets(trx: Trx, ids: MergeIds): Promise<MergeWalletResult> {
  const { tenantId, survivorId, duplicateId, now } = ids;
  const [survivorSeat, duplicateSeat] = [
    await findSeat(trx, tenantId, survivorId),
    await findSeat(trx, tenantId, duplicateId),
  ];
  if (survivorSeat && duplicateSeat) {
    throw new AppError(
      'conflict',
      `Both members belong to households (${survivorSeat.householdId}, ${duplicateSeat.householdId}); remove the duplicate from its household first, then merge.`,
      { householdIds: [survivorSeat.householdId, duplicateSeat.householdId] },
    );
  }
  let holder = survivorId;
  if (survivorSeat) holder = survivorSeat.walletMemberId ?? survivorId;
  const inherited = !survivorSeat && duplicateSeat ? duplicateSeat : undefined;
  if (inherited) {
    const heldByDuplicate = inherited.walletMemberId === null || inherited.walletMemberId === duplicateId;
    holder = heldByDuplicate ? survivorId : (inherited.walletMemberId as string);
    await trx
      .updateTable('household_member')
      .set({ member_id: survivorId })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', duplicateId)
      .execute();
    if (heldByDuplicate) await setHouseholdWallet(trx, tenantId, inherited.householdId, survivorId);
  }
  const targetOf = (currency: string) => (currency === POINTS ? holder : survivorId);
  const currencies = [...new Set([POINTS, ...(await listMemberCurrencies(trx, tenantId, duplicateId))])];

  // Lock order as a purchase takes it: members forwarding to the duplicate, the duplicate, then
  // the holder. Points of members pooled into (or merged into) the duplicate now live with the target.
  for (const currency of currencies) {
    await repointForwards(trx, { tenantId, currency, fromHolder: duplicateId, toHolder: targetOf(currency) });
  }
  if (inherited && holder !== survivorId) {
    await moveWallet(
      trx,
      { tenantId, currency: POINTS, fromMemberId: survivorId, toMemberId: holder },
      {
        now,
        scope: 'household.pool',
        forwardReason: 'household',
        entryKinds: { out: 'household_out', in: 'household_in' },
        reason: `household ${inherited.householdId}`,
      },
    );
    await repointForwards(trx, { tenantId, currency: POINTS, fromHolder: survivorId, toHolder: holder });
  }
  const result: MergeWalletResult = {
    pointsMoved: {},
    lotsMoved: 0,
    householdId: (survivorSeat ?? duplicateSeat)?.householdId ?? null,
  };
  for (const currency of currencies) {
    const move = await moveWallet(
      trx,
      { tenantId, currency, fromMemberId: duplicateId, toMemberId: targetOf(currency) },
      {
        now,
        scope: 'member.merge',
        forwardReason: 'merge',
        entryKinds: { out: 'merge_out', in: 'merge_in' },
        reason: `merged ${duplicateId} into ${survivorId}`,
      },
    );
    result.pointsMoved[currency] = move.points;
    result.lotsMoved += move.lots;
  }
  return result;
}
