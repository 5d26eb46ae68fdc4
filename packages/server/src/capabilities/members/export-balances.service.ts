import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { DbOrTrx } from '../../platform/db';
import { findBalancesOfMembers, listMembersWithAccounts } from '../ledger/balances-of-members.service';

// `kopilka export balances FILE.csv` and GET /v1/exports/balances.csv: one line per member and
// currency the member has points accounts in (members who never had points are left out), members
// in id order, in pages so a million members stream in constant memory. The figures are those of
// GET /v1/members/{id}/balance at `now`.

export const BALANCE_EXPORT_COLUMNS = [
  'memberId',
  'externalId',
  'phone',
  'currency',
  'available',
  'pending',
  'nextExpiresAt',
  'nextExpiringPoints',
] as const;

const PAGE = 5000;

export async function exportBalances(
  db: DbOrTrx,
  tenantId: string,
  output: Writable,
  opts: { now: Date; currency?: string | undefined; onProgress?: (members: number) => void },
): Promise<{ rows: number; members: number }> {
  const csv = stringify({ header: true, columns: [...BALANCE_EXPORT_COLUMNS] });
  // A client that goes away (HTTP) closes the output: stop paging instead of waiting for a drain.
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => output.once('close', resolve)).then(() => {
    closed = true;
  });
  const done = new Promise<void>((resolve, reject) => {
    csv.on('error', reject);
    output.on('error', reject);
    output.on('finish', resolve);
    output.on('close', resolve);
  });
  csv.pipe(output);
  let rows = 0;
  let members = 0;
  let after: string | undefined;
  try {
    for (;;) {
      const ids = await listMembersWithAccounts(db, tenantId, {
        afterMemberId: after,
        limit: PAGE,
        currency: opts.currency,
      });
      if (ids.length === 0) break;
      const [profiles, balances] = await Promise.all([
        db
          .selectFrom('member')
          .select(['id', 'external_id', 'phone'])
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', ids)
          .execute(),
        findBalancesOfMembers(db, tenantId, ids, opts.now, opts.currency),
      ]);
      const byId = new Map(profiles.map((p) => [p.id, p]));
      for (const b of balances) {
        const m = byId.get(b.memberId);
        const line = [
          b.memberId,
          m?.external_id ?? '',
          m?.phone ?? '',
          b.currency,
          String(b.available),
          String(b.pending),
          b.nextExpiry ? b.nextExpiry.at.toISOString() : '',
          b.nextExpiry ? String(b.nextExpiry.points) : '',
        ];
        rows++;
        if (!csv.write(line)) await Promise.race([new Promise((r) => csv.once('drain', r)), whenClosed]);
        if (closed) break;
      }
      if (closed) break;
      members += ids.length;
      opts.onProgress?.(members);
      after = ids[ids.length - 1];
      if (ids.length < PAGE) break;
    }
  } catch (err) {
    csv.destroy(err as Error);
    throw err;
  }
  csv.end();
  await done;
  return { rows, members };
}
