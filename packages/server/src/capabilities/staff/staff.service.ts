import { sha256Hex } from '../../platform/crypto';
import type { Db, DbOrTrx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId, randomToken } from '../../platform/ids';
import { type Principal, ROLE_SCOPES } from '../../platform/principal';
import { recordAudit } from '../audit/audit.service';
import { hashPassword, verifyPassword } from './passwords';
import * as repo from './staff.repository';
import type { StaffRole } from './staff.table';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const API_KEY_PREFIX = 'kpk_';

export function hashApiKey(plain: string): string {
  return sha256Hex(plain);
}

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomToken(32)}`;
}

export async function createApiKey(
  db: DbOrTrx,
  input: { tenantId: string; name: string; scopes: string[]; createdBy: string | null; plainKey?: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const key = input.plainKey ?? generateApiKey();
  const id = newId('key');
  const prefix = key.slice(0, 8);
  await repo.insertApiKey(db, {
    id,
    tenant_id: input.tenantId,
    name: input.name,
    key_hash: hashApiKey(key),
    key_prefix: prefix,
    scopes: input.scopes,
    created_by: input.createdBy,
  });
  return { id, key, prefix };
}

export async function createStaffUser(
  db: DbOrTrx,
  input: { tenantId: string; email: string; name: string; role: StaffRole; password: string },
): Promise<{ id: string }> {
  const id = newId('stf');
  await repo.insertStaffUser(db, {
    id,
    tenant_id: input.tenantId,
    email: input.email.trim(),
    name: input.name,
    role: input.role,
    password_hash: await hashPassword(input.password),
  });
  return { id };
}

// API keys are looked up on every request; a short in-process cache keeps the POS hot path at
// zero extra queries. Revocation therefore takes effect within KEY_CACHE_MS on every node.
const KEY_CACHE_MS = 5_000;
type CachedKey = { principal: Principal | null; until: number };

export function createPrincipalResolver(db: Db, now: () => Date) {
  const keyCache = new Map<string, CachedKey>();

  async function fromApiKey(plain: string): Promise<Principal | null> {
    const keyHash = hashApiKey(plain);
    const t = Date.now();
    const cached = keyCache.get(keyHash);
    if (cached && cached.until > t) return cached.principal;
    const row = await repo.findActiveApiKeyByHash(db, keyHash);
    const principal: Principal | null = row
      ? { tenantId: row.tenant_id, actorType: 'api_key', actorId: row.id, role: null, scopes: row.scopes }
      : null;
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(keyHash, { principal, until: t + KEY_CACHE_MS });
    return principal;
  }

  async function fromSession(token: string): Promise<Principal | null> {
    const row = await repo.findSession(db, sha256Hex(token), now());
    if (!row) return null;
    return {
      tenantId: row.tenant_id,
      actorType: 'staff',
      actorId: row.staff_user_id,
      role: row.role,
      scopes: ROLE_SCOPES[row.role],
    };
  }

  return {
    fromApiKey,
    fromSession,
    forget: (plain: string) => keyCache.delete(hashApiKey(plain)),
    clear: () => keyCache.clear(),
  };
}

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;

export async function login(
  db: Db,
  input: { email: string; password: string; tenant?: string | undefined },
  now: Date,
): Promise<{
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; role: StaffRole; tenant: string };
}> {
  const candidates = (await repo.findStaffByEmail(db, input.email)).filter(
    (u) => !u.disabled && (input.tenant === undefined || u.tenant_slug === input.tenant),
  );
  const wrong = new AppError('unauthorized', 'The email or password is incorrect.');
  if (candidates.length === 0) {
    // Spend comparable time on unknown emails so that timing does not reveal which exist.
    await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$2nAqY0X7vRMH0h0SL1ZZ4A', input.password);
    throw wrong;
  }
  if (candidates.length > 1) {
    throw new AppError(
      'validation_failed',
      'This email belongs to several programs: send the program slug in "tenant".',
      [{ field: 'body.tenant', message: 'required when the email belongs to several programs' }],
    );
  }
  const user = candidates[0]!;
  if (!(await verifyPassword(user.password_hash, input.password))) throw wrong;
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await repo.insertSession(db, {
    token_hash: sha256Hex(token),
    tenant_id: user.tenant_id,
    staff_user_id: user.id,
    expires_at: expiresAt,
  });
  await db.updateTable('staff_user').set({ last_login_at: now }).where('id', '=', user.id).execute();
  await recordAudit(db, {
    tenantId: user.tenant_id,
    actor: { actorType: 'staff', actorId: user.id },
    action: 'staff.login',
    targetType: 'staff_user',
    targetId: user.id,
  });
  return {
    token,
    expiresAt,
    user: { id: user.id, email: user.email, role: user.role, tenant: user.tenant_slug },
  };
}

export async function logout(db: Db, token: string): Promise<void> {
  await repo.deleteSession(db, sha256Hex(token));
}
