import type { MemberTier } from '@kopilka/domain/receipts';
import type { DbOrTrx, Trx } from '../../platform/db';

// Seams between receipts and the tiers / memberships capabilities (issue 6).

/** The member's tier (and paid-membership benefits) in force for a receipt at `at`. */
export async function findMemberTier(_db: DbOrTrx, _tenantId: string, _memberId: string, _at: Date): Promise<MemberTier | null> {
  return null;
}

/** The tier as the balance endpoint shows it (contract: `{ code, name } | null`). */
export async function findMemberTierView(db: DbOrTrx, tenantId: string, memberId: string, at: Date): Promise<{ code: string; name: string } | null> {
  const tier = await findMemberTier(db, tenantId, memberId, at);
  return tier ? { code: tier.code, name: tier.name } : null;
}

/** Inside the confirm transaction, after the receipt row exists: upgrade when the receipt qualifies. */
export async function onReceiptConfirmed(
  _trx: Trx,
  _input: { tenantId: string; memberId: string; receiptId: string; payableMinor: number; occurredAt: Date; now: Date },
): Promise<void> {}

/** Inside the refund/cancel transaction: the qualifying metric changed (downgrades wait for re-evaluation). */
export async function onReceiptRefunded(
  _trx: Trx,
  _input: { tenantId: string; memberId: string; receiptId: string; refundedPayableMinor: number; now: Date },
): Promise<void> {}
