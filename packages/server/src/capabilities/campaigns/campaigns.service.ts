import type { Campaign } from '@kopilka/domain/receipts';
import type { DbOrTrx } from '../../platform/db';

// Seam for the campaigns capability (issue 5): the campaigns that may apply to a receipt that
// occurred at `at`. Until campaigns are stored, there are none.
export async function findActiveCampaigns(_db: DbOrTrx, _tenantId: string, _at: Date): Promise<Campaign[]> {
  return [];
}
