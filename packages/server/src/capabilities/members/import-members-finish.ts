import type { Kysely } from 'kysely';
import type { Database } from '../../platform/database';
import { recordAudit } from '../audit/audit.service';
import type { ImportReport } from './import-members.service';

/**
 * The end of a member import, in its last transaction (both load paths): the audit entry with the
 * counts and the `members.imported` event.
 */
export async function recordMembersImported(
  db: Kysely<Database>,
  x: {
    tenantId: string;
    importId: string;
    now: Date;
    actor: { actorType: 'system' | 'staff' | 'api_key'; actorId: string | null };
    report: ImportReport;
  },
): Promise<void> {
  const { report } = x;
  await recordAudit(db, {
    tenantId: x.tenantId,
    actor: x.actor,
    action: 'members.imported',
    targetType: 'import',
    targetId: x.importId,
    details: {
      rows: report.rows,
      created: report.created,
      invalid: report.invalid,
      duplicates: report.duplicates,
      existing: report.existing,
    },
  });
  await db
    .insertInto('event_outbox')
    .values({
      tenant_id: x.tenantId,
      type: 'members.imported',
      dedupe_key: x.importId,
      member_id: null,
      payload: JSON.stringify({ importId: x.importId, created: report.created }),
      occurred_at: x.now,
      delivered_at: null,
    })
    .execute();
}
