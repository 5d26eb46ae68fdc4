import type { Generated, Selectable } from 'kysely';

// Transactional outbox: events are written in the same transaction as the change that caused
// them and delivered after commit (webhooks, messages) at least once.
export type EventOutboxTable = {
  id: Generated<number>;
  tenant_id: string;
  type: string;
  dedupe_key: string | null;
  member_id: string | null;
  payload: unknown;
  occurred_at: Generated<Date>;
  delivered_at: Date | null;
};

export type EventRow = Selectable<EventOutboxTable>;
