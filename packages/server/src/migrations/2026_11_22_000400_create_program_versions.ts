import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  // Program settings are versioned so that a receipt confirmed late by an offline till is
  // calculated with the rules that were in force at its `occurredAt`.
  await db.schema
    .createTable('program_version')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('effective_from', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('program_version_pk', ['tenant_id', 'version'])
    .execute();
  await sql`create index program_version_effective_idx on program_version (tenant_id, effective_from desc)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('program_version').ifExists().execute();
}
