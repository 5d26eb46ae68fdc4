import type { Campaign, ReceiptCalculation } from '@kopilka/domain/receipts';
import type { DbOrTrx, Trx } from '../../platform/db';
import { type CampaignReceiptContext, findCampaignsForReceipt } from './campaign-pricing.service';
import { type CampaignUsageResult, recordUsage, releaseUsage } from './campaign-usage.service';

// Seams between receipts and the campaigns capability (issue 5).

export type { CampaignReceiptContext, CampaignUsageResult };

/**
 * The campaigns that may apply to a receipt that occurred at `at`: the versions in force then,
 * status active, budgets not yet exhausted. With `context` (the receipt's member and coupons)
 * they come personalised: per-member limits, audience rules (birthday, new members, first
 * purchase), stamp and threshold progress, coupon series codes. Without it, campaigns that need
 * the member or a coupon series are left out, and confirm still enforces every limit.
 */
export async function findActiveCampaigns(
  db: DbOrTrx,
  tenantId: string,
  at: Date,
  context?: CampaignReceiptContext,
): Promise<Campaign[]> {
  return findCampaignsForReceipt(db, tenantId, at, context);
}

/**
 * Inside the confirm transaction: count the uses and budgets of the campaigns (and coupons) the
 * calculation applied. When a limit ran out meanwhile (another till won the race), returns the
 * exhausted campaigns; confirm then prices the receipt again without them.
 */
export async function recordCampaignUsage(
  trx: Trx,
  input: {
    tenantId: string;
    memberId: string | null;
    receiptId: string;
    calculation: ReceiptCalculation;
    now: Date;
  },
): Promise<CampaignUsageResult> {
  return recordUsage(trx, input);
}

/** Inside the refund/cancel transaction: give back coupon uses (and budgets) where the rules say so. */
export async function releaseCampaignUsage(
  trx: Trx,
  input: {
    tenantId: string;
    memberId: string | null;
    receiptId: string;
    kind: 'refund' | 'cancel';
    fullyReversed: boolean;
    now: Date;
  },
): Promise<void> {
  await releaseUsage(trx, {
    tenantId: input.tenantId,
    receiptId: input.receiptId,
    fullyReversed: input.fullyReversed,
    now: input.now,
  });
}
