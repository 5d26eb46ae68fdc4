import type { Db } from '../../platform/db';
import { normalizePhone } from '../members/identifiers';
import { findTenantRegion } from '../members/members.service';
import { verifyOtp } from './verifications.service';

/**
 * For a write that resolves its member by `{ phone, otp }` inside its own transaction (a receipt
 * confirm): checks the code first, with the root `db`, so that a wrong guess counts even when the
 * write then fails and its transaction rolls back. Without it every failing confirm would take its
 * attempt back with it and a till could guess codes without limit. The check inside the
 * transaction recognises the attempt counted here (see `verifyOtp`). Call it before opening the
 * transaction; an invalid phone is left to the write's own validation.
 */
export async function checkOtpBeforeTransaction(
  db: Db,
  tenantId: string,
  ref: { phone?: string | undefined; otp?: string | undefined } | undefined,
  now: Date,
): Promise<void> {
  if (!ref?.phone || !ref.otp) return;
  const phone = normalizePhone(ref.phone, await findTenantRegion(db, tenantId));
  if (!phone) return;
  await verifyOtp(db, tenantId, phone, ref.otp, now);
}
