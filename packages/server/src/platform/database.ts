import type { AuditLogTable } from '../capabilities/audit/audit.table';
import type { EventOutboxTable } from '../capabilities/events/events.table';
import type { ApiKeyTable, StaffSessionTable, StaffUserTable } from '../capabilities/staff/staff.table';
import type { TenantTable } from '../capabilities/tenants/tenants.table';
import type { OperationTable } from './idempotency.table';

// The whole schema as Kysely sees it; each capability owns its `*.table.ts`.
export type Database = {
  tenant: TenantTable;
  staff_user: StaffUserTable;
  staff_session: StaffSessionTable;
  api_key: ApiKeyTable;
  audit_log: AuditLogTable;
  event_outbox: EventOutboxTable;
  operation: OperationTable;
};
