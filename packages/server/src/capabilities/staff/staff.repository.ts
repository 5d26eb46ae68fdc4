import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import type { ApiKeyTable, StaffRole } from './staff.table';

export function findActiveApiKeyByHash(db: DbOrTrx, keyHash: string) {
  return db
    .selectFrom('api_key')
    .select(['id', 'tenant_id', 'scopes'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function insertApiKey(
  db: DbOrTrx,
  row: Pick<ApiKeyTable, 'id' | 'tenant_id' | 'name' | 'key_hash' | 'key_prefix' | 'scopes' | 'created_by'>,
): Promise<void> {
  await db
    .insertInto('api_key')
    .values({ ...row, scopes: sql`${sql.val(row.scopes)}::text[]` as unknown as string[] })
    .execute();
}

export function listApiKeys(db: DbOrTrx, tenantId: string) {
  return db
    .selectFrom('api_key')
    .select(['id', 'name', 'key_prefix', 'scopes', 'created_at', 'revoked_at', 'last_used_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiKey(db: DbOrTrx, tenantId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('api_key')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export function findStaffByEmail(db: DbOrTrx, email: string) {
  return db
    .selectFrom('staff_user')
    .innerJoin('tenant', 'tenant.id', 'staff_user.tenant_id')
    .select([
      'staff_user.id',
      'staff_user.tenant_id',
      'staff_user.email',
      'staff_user.name',
      'staff_user.role',
      'staff_user.password_hash',
      'staff_user.disabled',
      'tenant.slug as tenant_slug',
    ])
    .where(sql`lower(staff_user.email)`, '=', email.toLowerCase())
    .execute();
}

export async function insertStaffUser(
  db: DbOrTrx,
  row: { id: string; tenant_id: string; email: string; name: string; role: StaffRole; password_hash: string },
): Promise<void> {
  await db.insertInto('staff_user').values(row).execute();
}

export function listStaff(db: DbOrTrx, tenantId: string) {
  return db
    .selectFrom('staff_user')
    .select(['id', 'email', 'name', 'role', 'disabled', 'created_at', 'last_login_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .execute();
}

export async function insertSession(
  db: DbOrTrx,
  row: { token_hash: string; tenant_id: string; staff_user_id: string; expires_at: Date },
): Promise<void> {
  await db.insertInto('staff_session').values(row).execute();
}

export function findSession(db: DbOrTrx, tokenHash: string, now: Date) {
  return db
    .selectFrom('staff_session')
    .innerJoin('staff_user', 'staff_user.id', 'staff_session.staff_user_id')
    .select([
      'staff_session.tenant_id',
      'staff_user.id as staff_user_id',
      'staff_user.role',
      'staff_user.email',
    ])
    .where('staff_session.token_hash', '=', tokenHash)
    .where('staff_session.expires_at', '>', now)
    .where('staff_user.disabled', '=', false)
    .executeTakeFirst();
}

export async function deleteSession(db: DbOrTrx, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_session').where('token_hash', '=', tokenHash).execute();
}
