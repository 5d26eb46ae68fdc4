import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';

// The demo program (a coffee chain with members and months of receipts) is loaded on first start
// unless KOPILKA_DEMO=0. Capabilities add their part here as they land: program settings,
// members, receipts posted through the real confirm and refund paths.
export async function loadDemoProgram(ctx: {
  db: Db;
  tenantId: string;
  logger: Logger;
  now: Date;
}): Promise<void> {
  ctx.logger.debug({ tenantId: ctx.tenantId }, 'demo program: nothing to load yet');
}
