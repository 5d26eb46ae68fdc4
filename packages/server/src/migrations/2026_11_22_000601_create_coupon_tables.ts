import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  // A series is a pool of codes with common rules: generated unique codes (kind 'unique'), one
  // shared promo code ('shared'), or personal codes issued to members one by one ('personal').
  await db.schema
    .createTable('coupon_series')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pattern', 'text')
    .addColumn('requested_count', 'integer', (c) => c.notNull())
    .addColumn('generated_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('uses_per_code', 'integer')
    .addColumn('uses_per_member', 'integer')
    .addColumn('valid_days', 'integer')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('coupon_series_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create index coupon_series_generating_idx on coupon_series (status) where status = 'generating'`.execute(
    db,
  );

  // Codes are unique per tenant across all series, stored normalized (upper case, trimmed), so a
  // code typed at a till finds exactly one coupon.
  await db.schema
    .createTable('coupon')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('series_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0).check(sql`uses >= 0`))
    .addColumn('max_uses', 'integer')
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('issued_receipt_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('coupon_pk', ['tenant_id', 'code'])
    .addCheckConstraint('coupon_uses_max', sql`max_uses is null or uses <= max_uses`)
    .execute();
  await sql`create index coupon_series_idx on coupon (tenant_id, series_id, code)`.execute(db);
  await sql`create index coupon_member_idx on coupon (tenant_id, member_id) where member_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('coupon_member_use')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('series_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().check(sql`uses >= 0`))
    .addPrimaryKeyConstraint('coupon_member_use_pk', ['tenant_id', 'series_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('coupon_redemption')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('series_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz')
    .addPrimaryKeyConstraint('coupon_redemption_pk', ['tenant_id', 'receipt_id', 'code'])
    .execute();
  await sql`create index coupon_redemption_code_idx on coupon_redemption (tenant_id, code)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['coupon_redemption', 'coupon_member_use', 'coupon', 'coupon_series']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
