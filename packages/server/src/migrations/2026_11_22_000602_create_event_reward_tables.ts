import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  // What a member gets for an event outside receipts (joining, a birthday, a review, a custom
  // event sent by an integration), and how often.
  await db.schema
    .createTable('event_reward_rule')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('coupon_series_id', 'text')
    .addColumn('coupon_validity', 'text', (c) => c.notNull().defaultTo('series'))
    .addColumn('max_per_member', 'integer')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_reward_rule_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create unique index event_reward_rule_type_uq on event_reward_rule (tenant_id, event_type)`.execute(
    db,
  );

  // Every event a member sent or the jobs raised, once per (member, type, dedupe key): a retried
  // request or a job run twice cannot reward twice.
  await db.schema
    .createTable('member_event')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attributes', 'jsonb', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('period_key', 'text')
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('coupon_code', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_event_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create unique index member_event_dedupe_uq on member_event (tenant_id, member_id, type, dedupe_key)`.execute(
    db,
  );
  await sql`create index member_event_member_idx on member_event (tenant_id, member_id, created_at desc)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['member_event', 'event_reward_rule']) await db.schema.dropTable(t).ifExists().execute();
}
