import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  // One ladder per tenant, kept as the JSON the API takes (validated by the domain on write).
  // last_full_run_at: the instant the re-evaluation job last went over every member (once a local day).
  await db.schema
    .createTable('tier_ladder')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('last_full_run_at', 'timestamptz')
    .execute();

  // The member's tier in force. No row = the ladder's entry tier, reached automatically, so the
  // table only holds members above the entry tier, overridden or under review.
  await db.schema
    .createTable('member_tier')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('tier_code', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('auto', 'override')`))
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addColumn('override_until', 'timestamptz')
    .addColumn('override_reason', 'text')
    .addColumn('grace_until', 'timestamptz')
    // Set by a refund: the next re-evaluation looks at this member even between daily full runs.
    .addColumn('needs_review', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_tier_pk', ['tenant_id', 'member_id'])
    .execute();
  await sql`create index member_tier_attention_idx on member_tier (tenant_id, member_id)
    where needs_review or source = 'override' or grace_until is not null`.execute(db);

  await db.schema
    .createTable('member_tier_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('from_code', 'text')
    .addColumn('to_code', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('note', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index member_tier_history_member_idx on member_tier_history (tenant_id, member_id, id desc)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['member_tier_history', 'member_tier', 'tier_ladder'])
    await db.schema.dropTable(t).ifExists().execute();
}
