import type { Selectable } from 'kysely';

// A member's signed-in browser in the self-service cabinet. Only the SHA-256 of the cookie's
// token is stored, so a copy of the table cannot be replayed as sessions.
export type CabinetSessionTable = {
  token_hash: string;
  tenant_id: string;
  member_id: string;
  created_at: Date;
  expires_at: Date;
};

export type CabinetTables = { cabinet_session: CabinetSessionTable };

export type CabinetSessionRow = Selectable<CabinetSessionTable>;
