import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import { json, type WriteBatch } from '../../platform/write-batch';

export type DomainEvent = {
  tenantId: string;
  type: string;
  memberId?: string | null;
  payload: unknown;
  dedupeKey?: string;
  at?: Date;
};

/**
 * Writes a domain event to the outbox in the caller's transaction, so it exists exactly when the
 * change does. Delivery (webhooks, messages) reads the outbox after commit, at least once.
 */
export async function emitEvent(db: DbOrTrx, event: DomainEvent): Promise<void> {
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

/** `emitEvent` as part of the caller's write batch: the event is written when the batch is. */
export function queueEvent(batch: WriteBatch, event: DomainEvent): void {
  batch.insert('event_outbox', [
    {
      tenant_id: event.tenantId,
      type: event.type,
      member_id: event.memberId ?? null,
      dedupe_key: event.dedupeKey ?? null,
      payload: json(event.payload),
      ...(event.at ? { occurred_at: event.at } : {}),
    },
  ]);
}
