import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';

/**
 * Writes a domain event to the outbox in the caller's transaction, so it exists exactly when the
 * change does. Delivery (webhooks, messages) reads the outbox after commit, at least once.
 */
export async function emitEvent(
  db: DbOrTrx,
  event: {
    tenantId: string;
    type: string;
    memberId?: string | null;
    payload: unknown;
    dedupeKey?: string;
    at?: Date;
  },
): Promise<void> {
  await db
    .insertInto('event_outbox')
    .values({
      tenant_id: event.tenantId,
      type: event.type,
      member_id: event.memberId ?? null,
      dedupe_key: event.dedupeKey ?? null,
      payload: sql`${JSON.stringify(event.payload)}::jsonb`,
      ...(event.at ? { occurred_at: event.at } : {}),
    })
    .execute();
}
