import type { Generated, Selectable } from 'kysely';

export type TenantTable = {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  default_region: string;
  created_at: Generated<Date>;
};

export type TenantRow = Selectable<TenantTable>;
