import type { Generated, Selectable } from 'kysely';

export type AuditLogTable = {
  id: Generated<number>;
  tenant_id: string;
  at: Generated<Date>;
  actor_type: 'staff' | 'api_key' | 'system' | 'member';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: unknown;
  request_id: string | null;
};

export type AuditLogRow = Selectable<AuditLogTable>;
