import type { DbOrTrx, Trx } from '../../platform/db';
import { newMemberAccountRows } from './ledger.repository';
import type { ForwardReason } from './ledger.table';

// Queries of wallet transfers (household pooling, member merges): lots and holds changing holder,
// and the forward pointers on member accounts.

export function findLotHolder(db: DbOrTrx, tenantId: string, lotId: string) {
  return db
    .selectFrom('lot')
    .select('member_id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', lotId)
    .executeTakeFirst();
}

/** Every lot of the member in the currency, with points or not: refunds may still return to empty ones. */
export async function repointLots(
  trx: Trx,
  tenantId: string,
  currency: string,
  fromMemberId: string,
  toMemberId: string,
): Promise<number> {
  const r = await trx
    .updateTable('lot')
    .set({ member_id: toMemberId })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', fromMemberId)
    .where('currency', '=', currency)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteHoldsOf(trx: Trx, tenantId: string, memberId: string, currency: string) {
  await trx
    .deleteFrom('points_hold')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('currency', '=', currency)
    .execute();
}

export async function listMemberCurrencies(db: DbOrTrx, tenantId: string, memberId: string) {
  const rows = await db
    .selectFrom('account')
    .select('currency')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('currency')
    .execute();
  return rows.map((r) => r.currency);
}

/** Points the member's accounts in `currency` at another member's (null: the member's own again). */
export async function setForward(
  trx: Trx,
  tenantId: string,
  memberId: string,
  currency: string,
  forward: { to: string; reason: ForwardReason } | null,
): Promise<void> {
  const values = { forwarded_to: forward?.to ?? null, forward_reason: forward?.reason ?? null };
  // A member who never earned has no accounts yet; create them so the pointer exists.
  await trx
    .insertInto('account')
    .values(newMemberAccountRows(tenantId, memberId, currency, values))
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'member_id', 'currency', 'kind'])
        .where('member_id', 'is not', null)
        .doUpdateSet(values),
    )
    .execute();
}

/**
 * Members whose points pointed at `fromHolder` now point at `toHolder` (a holder was merged, or
 * joined a household); each keeps its own reason for forwarding.
 */
export async function repointForwards(
  trx: Trx,
  tenantId: string,
  currency: string,
  fromHolder: string,
  toHolder: string,
): Promise<void> {
  await trx
    .updateTable('account')
    .set({ forwarded_to: toHolder })
    .where('tenant_id', '=', tenantId)
    .where('forwarded_to', '=', fromHolder)
    .where('currency', '=', currency)
    .where('member_id', '<>', toHolder)
    .execute();
}
