import type { Migration } from 'kysely/migration';
import * as m20261122000100 from './2026_11_22_000100_create_platform_tables';

// Every migration, in order. Never edit a committed migration: add a new file and list it here.
export const migrations: Record<string, Migration> = {
  '2026_11_22_000100_create_platform_tables': m20261122000100,
};
