import { type Kysely, sql } from 'kysely';

// Member cabinet sessions (web self-service): hashed token, the member it signs in, expiry.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cabinet_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index cabinet_session_member_idx on cabinet_session (tenant_id, member_id)`.execute(db);
  await sql`create index cabinet_session_expiry_idx on cabinet_session (expires_at)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cabinet_session').ifExists().execute();
}
