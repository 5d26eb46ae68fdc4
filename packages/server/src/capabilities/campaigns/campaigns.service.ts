import type { Campaign, ReceiptCalculation } from '@kopilka/domain/receipts';
import type { DbOrTrx, Trx } from '../../platform/db';

// Seams between receipts and the campaigns capability (issue 5).

/** The campaigns that may apply to a receipt that occurred at `at` (budgets not yet exhausted). */
export async function findActiveCampaigns(_db: DbOrTrx, _tenantId: string, _at: Date): Promise<Campaign[]> {
  return [];
}

export type CampaignUsageResult = { ok: true } | { ok: false; exhaustedCampaignIds: string[] };

/**
 * Inside the confirm transaction: count the uses and budgets of the campaigns (and coupons) the
 * calculation applied. When a limit ran out meanwhile (another till won the race), returns the
 * exhausted campaigns; confirm then prices the receipt again without them.
 */
export async function recordCampaignUsage(
  _trx: Trx,
  _input: { tenantId: string; memberId: string | null; receiptId: string; calculation: ReceiptCalculation; now: Date },
): Promise<CampaignUsageResult> {
  return { ok: true };
}

/** Inside the refund/cancel transaction: give back coupon uses (and budgets) where the rules say so. */
export async function releaseCampaignUsage(
  _trx: Trx,
  _input: { tenantId: string; memberId: string | null; receiptId: string; kind: 'refund' | 'cancel'; fullyReversed: boolean; now: Date },
): Promise<void> {}
