import { sha256Hex } from '../../platform/crypto';
import type { Db, DbOrTrx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { randomToken } from '../../platform/ids';
import type { AuditActor } from '../audit/audit.service';
import { recordAudit } from '../audit/audit.service';
import { normalizeEmail, normalizePhone } from '../members/identifiers';
import * as members from '../members/members.service';
import { type EmailSender, emailCodeKey, emailCodeSender } from '../verifications/email-sender';
import type { SmsSender } from '../verifications/sms-sender';
import { OTP_TTL_MS, sendVerification, verifyOtp } from '../verifications/verifications.service';
import * as repo from './cabinet.repository';

// Member self-service sign-in: a one-time code to the member's phone or email (through the same
// pluggable senders and code store the tills use), then an httpOnly cookie whose token is stored
// hashed.

export const MEMBER_SESSION_COOKIE = 'kopilka_member';
export const MEMBER_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type CabinetMember = { tenantId: string; memberId: string };

export function memberActor(memberId: string): AuditActor {
  return { actorType: 'member', actorId: memberId };
}

/** Which program a sign-in is for: the slug when given, else the only program of the installation. */
export async function resolveCabinetTenant(
  db: DbOrTrx,
  slug: string | undefined,
): Promise<{ id: string; name: string }> {
  const tenant = slug ? await repo.findTenantBySlug(db, slug) : await repo.findSoleTenant(db);
  if (tenant) return tenant;
  if (slug) {
    throw new AppError('not_found', `There is no loyalty program '${slug}' here.`, [
      { field: 'body.tenant', message: 'unknown program' },
    ]);
  }
  throw new AppError(
    'validation_failed',
    'Several loyalty programs run here: send the program slug in "tenant".',
    [{ field: 'body.tenant', message: 'required when several programs run on this server' }],
  );
}

async function phoneOrThrow(db: DbOrTrx, tenantId: string, raw: string): Promise<string> {
  const phone = normalizePhone(raw, await members.findTenantRegion(db, tenantId));
  if (!phone) {
    throw new AppError('validation_failed', `'${raw}' is not a valid phone number.`, [
      { field: 'body.phone', message: 'is not a valid phone number' },
    ]);
  }
  return phone;
}

async function findLiveMember(db: DbOrTrx, tenantId: string, by: { phone: string } | { email: string }) {
  const page = await members.listMembers(db, tenantId, { ...by, limit: 1 });
  const member = page.items[0];
  return member && member.status !== 'anonymized' ? member : undefined;
}

/** How the member signs in: the phone or the email they gave the program (exactly one). */
export type LoginAddress = { phone?: string | undefined; email?: string | undefined };

/** The member an address belongs to (if any) and the key its codes are kept under. */
async function resolveLoginAddress(db: DbOrTrx, tenantId: string, address: LoginAddress) {
  if ((address.phone === undefined) === (address.email === undefined)) {
    throw new AppError('validation_failed', 'Send either "phone" or "email" to sign in.', [
      { field: 'body', message: 'needs exactly one of phone and email' },
    ]);
  }
  if (address.email !== undefined) {
    const email = normalizeEmail(address.email);
    if (!email) {
      throw new AppError('validation_failed', `'${address.email}' is not a valid email address.`, [
        { field: 'body.email', message: 'is not a valid email address' },
      ]);
    }
    return {
      channel: 'email' as const,
      codeKey: emailCodeKey(email.toLowerCase()),
      member: await findLiveMember(db, tenantId, { email }),
    };
  }
  const phone = await phoneOrThrow(db, tenantId, address.phone ?? '');
  return { channel: 'sms' as const, codeKey: phone, member: await findLiveMember(db, tenantId, { phone }) };
}

/**
 * Sends a sign-in code when the phone (by SMS) or email belongs to a member. The answer is the
 * same either way, so the sign-in form cannot be used to learn who is a member.
 */
export async function startCabinetLogin(
  db: Db,
  input: LoginAddress & {
    tenantSlug?: string | undefined;
    now: Date;
    sender: SmsSender;
    emailSender: EmailSender;
  },
): Promise<{ expiresAt: Date }> {
  const tenant = await resolveCabinetTenant(db, input.tenantSlug);
  const { channel, codeKey, member } = await resolveLoginAddress(db, tenant.id, input);
  if (!member) return { expiresAt: new Date(input.now.getTime() + OTP_TTL_MS) };
  const sent = await sendVerification(db, {
    tenantId: tenant.id,
    phone: codeKey,
    now: input.now,
    sender: channel === 'email' ? emailCodeSender(input.emailSender) : input.sender,
  });
  return { expiresAt: sent.expiresAt };
}

const CODE_PROBLEMS: Record<string, string> = {
  invalid: 'The code is wrong; check the message and try again.',
  expired: 'The code has expired; ask for a new one.',
  locked: 'Too many wrong codes; ask for a new one.',
  none: 'Ask for a code first.',
};

export async function completeCabinetLogin(
  db: Db,
  input: LoginAddress & { tenantSlug?: string | undefined; code: string; now: Date },
): Promise<{ token: string; expiresAt: Date; member: CabinetMember }> {
  const tenant = await resolveCabinetTenant(db, input.tenantSlug);
  const { codeKey, member } = await resolveLoginAddress(db, tenant.id, input);
  // Unknown addresses get 'none' like one that never asked for a code: no member enumeration.
  const check = member ? await verifyOtp(db, tenant.id, codeKey, input.code, input.now) : 'none';
  if (!member || check !== 'ok') {
    throw new AppError('unauthorized', CODE_PROBLEMS[check] ?? CODE_PROBLEMS.invalid!, { reason: check });
  }
  const token = randomToken(32);
  const expiresAt = new Date(input.now.getTime() + MEMBER_SESSION_TTL_MS);
  await repo.insertSession(db, {
    tokenHash: sha256Hex(token),
    tenantId: tenant.id,
    memberId: member.memberId,
    createdAt: input.now,
    expiresAt,
  });
  await recordAudit(db, {
    tenantId: tenant.id,
    actor: memberActor(member.memberId),
    action: 'cabinet.login',
    targetType: 'member',
    targetId: member.memberId,
  });
  return { token, expiresAt, member: { tenantId: tenant.id, memberId: member.memberId } };
}

/** The signed-in member behind a cookie, or 401. Erased members are signed out. */
export async function requireCabinetMember(
  db: DbOrTrx,
  token: string | undefined,
  now: Date,
): Promise<CabinetMember> {
  const unauthorized = new AppError('unauthorized', 'Sign in to your cabinet with your phone number first.');
  if (!token) throw unauthorized;
  const session = await repo.findLiveSession(db, sha256Hex(token), now);
  if (!session) throw unauthorized;
  const member = await members
    .getMemberOrThrow(db, session.tenant_id, session.member_id)
    .catch(() => undefined);
  if (!member || member.status === 'anonymized' || member.status === 'merged') throw unauthorized;
  return { tenantId: session.tenant_id, memberId: session.member_id };
}

export async function endCabinetSession(db: DbOrTrx, token: string | undefined): Promise<void> {
  if (token) await repo.deleteSession(db, sha256Hex(token));
}

export async function endAllCabinetSessions(db: DbOrTrx, member: CabinetMember): Promise<void> {
  await repo.deleteSessionsOfMember(db, member.tenantId, member.memberId);
}
