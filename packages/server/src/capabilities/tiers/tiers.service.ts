import type { MemberTier } from '@kopilka/domain/receipts';
import type { DbOrTrx } from '../../platform/db';

// Seam for the tiers capability (issue 6): the member's tier in force for a receipt at `at`.
export async function findMemberTier(_db: DbOrTrx, _tenantId: string, _memberId: string, _at: Date): Promise<MemberTier | null> {
  return null;
}

/** The tier as the balance endpoint shows it (contract: `{ code, name } | null`). */
export async function findMemberTierView(db: DbOrTrx, tenantId: string, memberId: string, at: Date): Promise<{ code: string; name: string } | null> {
  const tier = await findMemberTier(db, tenantId, memberId, at);
  return tier ? { code: tier.code, name: tier.name } : null;
}
