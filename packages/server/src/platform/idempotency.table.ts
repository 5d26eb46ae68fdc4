import type { Generated, Selectable } from 'kysely';

// One row per state-changing operation, keyed by (tenant, scope, key). Ledger postings point at
// it, and its stored response answers replays.
export type OperationTable = {
  id: string;
  tenant_id: string;
  scope: string;
  key: string;
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  created_at: Generated<Date>;
};

export type OperationRow = Selectable<OperationTable>;
