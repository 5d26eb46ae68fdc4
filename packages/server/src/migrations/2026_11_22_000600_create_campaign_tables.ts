import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  // The current state of each campaign; `definition` is the validated campaign as the API shows
  // it. Deleting keeps the row (deleted_at) so receipts, counters and the audit keep their target.
  await db.schema
    .createTable('campaign')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .addPrimaryKeyConstraint('campaign_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create index campaign_list_idx on campaign (tenant_id, id desc) where deleted_at is null`.execute(
    db,
  );

  // Every change is a new version, valid from the moment it was made: an offline receipt that
  // arrives late is priced with the campaigns as they were at its occurredAt. A deletion is a
  // version with deleted = true.
  await db.schema
    .createTable('campaign_version')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('campaign_version_pk', ['tenant_id', 'campaign_id', 'version'])
    .execute();
  await sql`create index campaign_version_valid_idx on campaign_version (tenant_id, valid_from desc)`.execute(
    db,
  );

  // Limits and budgets: one row per campaign ('total') and per member and period
  // ('member:<id>:<period>'). Confirm increments them with a conditional upsert, so the check
  // and the count are one atomic statement under the row lock.
  await db.schema
    .createTable('campaign_counter')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('scope_key', 'text', (c) => c.notNull())
    .addColumn('uses', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`uses >= 0`))
    .addColumn('points', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`points >= 0`))
    .addColumn('money_minor', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`money_minor >= 0`))
    .addPrimaryKeyConstraint('campaign_counter_pk', ['tenant_id', 'campaign_id', 'scope_key'])
    .execute();

  // A member's progress in campaigns that remember it across receipts: stamps on a stamp card,
  // spend towards a threshold reward. Lifetime counts (progress is taken modulo the step), so a
  // cancelled receipt simply subtracts what it added.
  await db.schema
    .createTable('campaign_member_state')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('stamps', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('spend_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_member_state_pk', ['tenant_id', 'campaign_id', 'member_id'])
    .execute();

  // What each confirmed receipt counted, so a cancel or full refund can give exactly that back.
  await db.schema
    .createTable('campaign_usage')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('member_scope_key', 'text')
    .addColumn('uses', 'integer', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('money_minor', 'bigint', (c) => c.notNull())
    .addColumn('stamps', 'bigint', (c) => c.notNull())
    .addColumn('spend_minor', 'bigint', (c) => c.notNull())
    .addColumn('coupon_code', 'text')
    .addColumn('issued_coupon_code', 'text')
    .addColumn('release_on_refund', 'boolean', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz')
    .addPrimaryKeyConstraint('campaign_usage_pk', ['tenant_id', 'receipt_id', 'campaign_id'])
    .execute();
  await sql`create index campaign_usage_campaign_idx on campaign_usage (tenant_id, campaign_id, created_at desc)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'campaign_usage',
    'campaign_member_state',
    'campaign_counter',
    'campaign_version',
    'campaign',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
