import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import type { CardKind, CardStatus } from './cards.table';

/**
 * Takes `count` consecutive serials of a (tenant, prefix) range and returns the first. One
 * statement, so it is atomic on its own; callers outside a transaction hold the row lock only for
 * that statement (gaps from rolled-back callers are harmless).
 */
export async function reserveSerials(
  db: DbOrTrx,
  tenantId: string,
  prefix: string,
  count: number,
): Promise<number> {
  const row = await db
    .insertInto('card_range')
    .values({ tenant_id: tenantId, prefix, next_serial: 1 + count })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'prefix'])
        .doUpdateSet({ next_serial: sql`card_range.next_serial + ${count}` }),
    )
    .returning(sql<number | string>`next_serial - ${count}`.as('first'))
    .executeTakeFirstOrThrow();
  return Number(row.first);
}

export function listRangePrefixes(db: DbOrTrx, tenantId: string) {
  return db.selectFrom('card_range').select('prefix').where('tenant_id', '=', tenantId).execute();
}

export async function insertBatch(
  db: DbOrTrx,
  row: { id: string; tenant_id: string; prefix: string; first_serial: number; count: number; note: string },
) {
  return db.insertInto('card_batch').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findBatch(db: DbOrTrx, tenantId: string, batchId: string) {
  return db
    .selectFrom('card_batch')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', batchId)
    .executeTakeFirst();
}

export function listBatches(
  db: DbOrTrx,
  tenantId: string,
  opts: { limit: number; beforeId?: string | undefined },
) {
  let q = db
    .selectFrom('card_batch')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  return q.execute();
}

/** Batches whose prefix starts the given number (a tenant has few batches). */
export function listBatchesMatching(db: DbOrTrx, tenantId: string, cardNumber: string) {
  return db
    .selectFrom('card_batch')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`${cardNumber} like card_batch.prefix || '%'`)
    .execute();
}

export function findCard(db: DbOrTrx, tenantId: string, number: string) {
  return db
    .selectFrom('member_card')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('number', '=', number)
    .executeTakeFirst();
}

export function listMemberCards(db: DbOrTrx, tenantId: string, memberId: string) {
  return db
    .selectFrom('member_card')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('bound_at', 'desc')
    .orderBy('number', 'desc')
    .execute();
}

export async function insertCard(
  db: DbOrTrx,
  row: {
    tenant_id: string;
    number: string;
    member_id: string | null;
    kind: CardKind;
    status: CardStatus;
    batch_id: string | null;
    bound_at: Date;
    blocked_at?: Date | null;
    block_reason?: string | null;
  },
) {
  return db.insertInto('member_card').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function setCardStatus(
  db: DbOrTrx,
  tenantId: string,
  number: string,
  change: { status: CardStatus; blocked_at: Date; block_reason: string | null; replaced_by?: string | null },
) {
  return db
    .updateTable('member_card')
    .set(change)
    .where('tenant_id', '=', tenantId)
    .where('number', '=', number)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function blockMemberCards(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  reason: string,
  at: Date,
): Promise<number> {
  const r = await db
    .updateTable('member_card')
    .set({ status: 'blocked', blocked_at: at, block_reason: reason })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
