import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { maybeIdempotent } from '../members/idempotency';
import type { SmsSender } from './sms-sender';

// One-time codes for a till (or the member cabinet) to prove the customer holds the phone.
// Only the latest code sent to a phone counts. A code is good for 5 minutes and may be used
// again within them (a receipt's calculate and confirm both carry it); 5 wrong tries lock it.

export const OTP_TTL_MS = 5 * 60 * 1000;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_RESEND_INTERVAL_MS = 30 * 1000;
const OTP_DIGITS = 6;

export type OtpCheck = 'ok' | 'invalid' | 'expired' | 'locked' | 'none';

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function sendVerification(
  db: Db,
  input: {
    tenantId: string;
    phone: string;
    now: Date;
    sender: SmsSender;
    idempotencyKey?: string | undefined;
  },
): Promise<{ verificationId: string; expiresAt: Date }> {
  const code = String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
  const salt = randomBytes(16).toString('hex');
  const id = newId('vrf');
  const expiresAt = new Date(input.now.getTime() + OTP_TTL_MS);
  // A retry under the same Idempotency-Key answers with the first code's id and sends nothing.
  let sent = false;
  const stored = await db.transaction().execute((trx) =>
    maybeIdempotent(
      trx,
      {
        tenantId: input.tenantId,
        scope: 'verifications.send',
        key: input.idempotencyKey,
        request: { phone: input.phone },
      },
      202,
      async () => {
        sent = true;
        // Serialise sends per phone so two concurrent requests cannot both pass the rate limit.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`otp:${input.tenantId}:${input.phone}`}, 0))`.execute(
          trx,
        );
        const last = await trx
          .selectFrom('verification')
          .select('created_at')
          .where('tenant_id', '=', input.tenantId)
          .where('phone', '=', input.phone)
          .orderBy('created_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        const waitMs = last ? last.created_at.getTime() + OTP_RESEND_INTERVAL_MS - input.now.getTime() : 0;
        if (waitMs > 0) {
          const retryAfterSeconds = Math.ceil(waitMs / 1000);
          throw new AppError(
            'rate_limited',
            `A code was sent to this phone moments ago; wait ${retryAfterSeconds} s before asking for another.`,
            { retryAfterSeconds },
          );
        }
        await trx
          .insertInto('verification')
          .values({
            id,
            tenant_id: input.tenantId,
            phone: input.phone,
            code_hash: hashCode(salt, code),
            salt,
            created_at: input.now,
            expires_at: expiresAt,
          })
          .execute();
        return { verificationId: id, expiresAt: expiresAt.toISOString() };
      },
    ),
  );
  if (!sent) return { verificationId: stored.verificationId, expiresAt: new Date(stored.expiresAt) };
  try {
    await input.sender.send({
      tenantId: input.tenantId,
      phone: input.phone,
      code,
      text: `Your code: ${code}. It is valid for 5 minutes.`,
    });
  } catch (err) {
    // The member never got it: drop the row so the rate limit does not hold them back, and the
    // stored answer of its Idempotency-Key so a retry sends a code after all.
    await db.deleteFrom('verification').where('id', '=', id).execute();
    if (input.idempotencyKey !== undefined) {
      await db
        .deleteFrom('operation')
        .where('tenant_id', '=', input.tenantId)
        .where('scope', '=', 'verifications.send')
        .where('key', '=', input.idempotencyKey)
        .execute();
    }
    throw new AppError('unavailable', 'The SMS could not be sent; try again in a minute.', {
      sender: input.sender.name,
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  return { verificationId: id, expiresAt };
}

/**
 * Checks a code for a phone (E.164). Every wrong code counts an attempt and the fifth locks the
 * code, so the count must be durable: pass the root `db`. A check inside a transaction that may
 * roll back (a receipt confirm that then fails) would lose its attempt and leave guessing
 * unlimited; such callers check first with the root `db` (`checkOtpBeforeTransaction`) and then
 * inside. The inner check recognises the wrong code the outer one just counted (`last_wrong_hash`)
 * and does not count it twice; any other wrong code is counted in the transaction.
 */
export async function verifyOtp(
  db: DbOrTrx,
  tenantId: string,
  phone: string,
  otp: string,
  now: Date,
): Promise<OtpCheck> {
  const row = await db
    .selectFrom('verification')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', phone)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return 'none';
  if (row.locked_at) return 'locked';
  if (row.expires_at.getTime() <= now.getTime()) return 'expired';
  const given = hashCode(row.salt, otp);
  if (/^\d{4,8}$/.test(otp) && sameHash(row.code_hash, given)) {
    if (!row.verified_at) {
      await db.updateTable('verification').set({ verified_at: now }).where('id', '=', row.id).execute();
    }
    return 'ok';
  }
  if (db.isTransaction && row.last_wrong_hash === given) return 'invalid';
  const updated = await db
    .updateTable('verification')
    .set({
      attempts: sql`attempts + 1`,
      locked_at: sql`case when attempts + 1 >= ${OTP_MAX_ATTEMPTS} then ${now}::timestamptz else null end`,
      last_wrong_hash: given,
    })
    .where('id', '=', row.id)
    .where('locked_at', 'is', null)
    .returning(['attempts', 'locked_at'])
    .executeTakeFirst();
  // No row updated: a concurrent check locked it meanwhile.
  return !updated || updated.locked_at ? 'locked' : 'invalid';
}

/** Erasure: a phone's codes are personal data and go with it. */
export async function deleteVerificationsForPhone(
  db: DbOrTrx,
  tenantId: string,
  phone: string,
): Promise<number> {
  const r = await db
    .deleteFrom('verification')
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', phone)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Codes are useless after they expire; nothing needs them for long. */
export async function purgeExpiredVerifications(db: DbOrTrx, before: Date): Promise<number> {
  const r = await db.deleteFrom('verification').where('expires_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
