import type { DbOrTrx } from '../../platform/db';
import type { CabinetTables } from './cabinet.table';

// The cabinet's table is its own; it is not part of the shared `Database` type.
const withCabinet = (db: DbOrTrx) => db.withTables<CabinetTables>();

export async function insertSession(
  db: DbOrTrx,
  row: { tokenHash: string; tenantId: string; memberId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await withCabinet(db)
    .insertInto('cabinet_session')
    .values({
      token_hash: row.tokenHash,
      tenant_id: row.tenantId,
      member_id: row.memberId,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
    })
    .execute();
}

export function findLiveSession(db: DbOrTrx, tokenHash: string, now: Date) {
  return withCabinet(db)
    .selectFrom('cabinet_session')
    .select(['tenant_id', 'member_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: DbOrTrx, tokenHash: string): Promise<void> {
  await withCabinet(db).deleteFrom('cabinet_session').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfMember(db: DbOrTrx, tenantId: string, memberId: string): Promise<void> {
  await withCabinet(db)
    .deleteFrom('cabinet_session')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .execute();
}

export function findTenantBySlug(db: DbOrTrx, slug: string) {
  return db.selectFrom('tenant').select(['id', 'name']).where('slug', '=', slug).executeTakeFirst();
}

/** The only tenant, when the installation runs one program (the usual case). */
export async function findSoleTenant(db: DbOrTrx) {
  const rows = await db.selectFrom('tenant').select(['id', 'name']).orderBy('created_at').limit(2).execute();
  return rows.length === 1 ? rows[0] : undefined;
}
