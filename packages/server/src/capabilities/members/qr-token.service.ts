import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { computeQrExpiresAt, computeQrWindow, isQrWindowAccepted } from '@kopilka/domain/members';
import type { DbOrTrx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import * as repo from './members.repository';

// The rotating code in the member's cabinet: `kq1.<qrKey>.<window>.<signature>`. The qrKey is a
// random per-member handle (not the member id, which a till may use as a credential on its own);
// the signature is HMAC-SHA256 under a per-tenant secret over the key and the time window, so a
// screenshot stops working within a minute. Erasure clears the qrKey.

const TOKEN_PREFIX = 'kq1';

async function tenantSecret(db: DbOrTrx, tenantId: string): Promise<Buffer> {
  let row = await repo.findQrSecret(db, tenantId);
  if (!row) {
    await repo.insertQrSecretIfMissing(db, tenantId, randomBytes(32).toString('base64url'));
    row = await repo.findQrSecret(db, tenantId);
  }
  if (!row) throw new Error('QR secret was not created');
  return Buffer.from(row.secret, 'base64url');
}

function sign(secret: Buffer, tenantId: string, qrKey: string, window: number): string {
  return createHmac('sha256', secret)
    .update(`${tenantId}.${qrKey}.${window}`)
    .digest('base64url')
    .slice(0, 22);
}

export async function issueQrToken(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  now: Date,
): Promise<{ qrToken: string; expiresAt: Date; windowSeconds: number }> {
  const qrKey = await repo.setQrKeyIfMissing(db, tenantId, memberId, randomBytes(10).toString('base64url'));
  if (!qrKey) throw new AppError('not_found', `Member '${memberId}' does not exist in this program.`);
  const secret = await tenantSecret(db, tenantId);
  const window = computeQrWindow(now);
  return {
    qrToken: `${TOKEN_PREFIX}.${qrKey}.${window.toString(36)}.${sign(secret, tenantId, qrKey, window)}`,
    expiresAt: computeQrExpiresAt(window),
    windowSeconds: 30,
  };
}

/** The member a QR token names, or an explanation of why it names nobody. */
export async function resolveQrToken(
  db: DbOrTrx,
  tenantId: string,
  token: string,
  now: Date,
): Promise<{ memberId: string; status: string } | { problem: string }> {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== TOKEN_PREFIX) return { problem: 'is not a Kopilka member QR code' };
  const [, qrKey = '', windowText = '', signature = ''] = parts;
  const window = Number.parseInt(windowText, 36);
  if (!Number.isSafeInteger(window)) return { problem: 'is not a Kopilka member QR code' };
  const member = await repo.findMemberByQrKey(db, tenantId, qrKey);
  const secret = member ? await tenantSecret(db, tenantId) : undefined;
  const expected = secret ? Buffer.from(sign(secret, tenantId, qrKey, window)) : undefined;
  const given = Buffer.from(signature);
  if (!member || !expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { problem: 'does not belong to a member of this program' };
  }
  if (!isQrWindowAccepted(window, now)) {
    return { problem: 'has expired; ask the member to refresh the code in their app' };
  }
  return { memberId: member.id, status: member.status };
}
