import type { Generated, Selectable } from 'kysely';

export type StaffRole = 'owner' | 'admin' | 'marketer' | 'analyst' | 'support' | 'cashier';

export type StaffUserTable = {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Generated<Date>;
  last_login_at: Date | null;
};

export type StaffSessionTable = {
  token_hash: string;
  tenant_id: string;
  staff_user_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
};

export type ApiKeyTable = {
  id: string;
  tenant_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  scopes: string[];
  created_at: Generated<Date>;
  created_by: string | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

export type StaffUserRow = Selectable<StaffUserTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
