import type { Generated } from 'kysely';

export type ProgramVersionTable = {
  tenant_id: string;
  version: number;
  settings: unknown;
  effective_from: Date;
  created_at: Generated<Date>;
  created_by: string | null;
};
