import type { DbOrTrx } from '../../platform/db';
import type { Principal } from '../../platform/principal';

export type AuditActor = { actorType: 'staff' | 'api_key' | 'system' | 'member'; actorId: string | null };

export function actorOf(principal: Principal): AuditActor {
  return { actorType: principal.actorType, actorId: principal.actorId };
}

// Every staff/API write lands here, in the same transaction as the change it describes.
export async function recordAudit(
  db: DbOrTrx,
  entry: {
    tenantId: string;
    actor: AuditActor;
    action: string;
    targetType?: string;
    targetId?: string;
    details?: unknown;
    requestId?: string;
  },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      actor_type: entry.actor.actorType,
      actor_id: entry.actor.actorId,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
      request_id: entry.requestId ?? null,
    })
    .execute();
}

export async function listAudit(
  db: DbOrTrx,
  tenantId: string,
  opts: { limit: number; beforeId?: number | undefined },
) {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  return q.execute();
}
