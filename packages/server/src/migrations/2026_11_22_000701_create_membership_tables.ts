import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('membership_plan')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'archived')`))
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('month', 'year', 'lifetime')`))
    .addColumn('price_minor', 'bigint', (c) => c.notNull().check(sql`price_minor >= 0`))
    .addColumn('trial_days', 'integer', (c) => c.notNull())
    .addColumn('discount_percent', 'text', (c) => c.notNull())
    .addColumn('earn_multiplier', 'text', (c) => c.notNull())
    .addColumn('perks', sql`text[]`, (c) => c.notNull())
    .addColumn('max_points_percent', 'integer')
    .addColumn('dividend_percent', 'text')
    .addColumn('renewal_notice_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_plan_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create unique index membership_plan_code_uq on membership_plan (tenant_id, code)`.execute(db);

  // current_period_end is exclusive (benefits hold while at < it); null = lifetime.
  await db.schema
    .createTable('membership')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('trial', 'active', 'cancelled', 'expired')`),
    )
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('current_period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('current_period_end', 'timestamptz')
    .addColumn('cancel_at_period_end', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create index membership_member_idx on membership (tenant_id, member_id, created_at desc)`.execute(
    db,
  );
  // One live membership per member: a second subscribe is refused, a renewal extends the live one.
  await sql`create unique index membership_live_uq on membership (tenant_id, member_id) where status in ('trial', 'active')`.execute(
    db,
  );
  await sql`create index membership_period_end_idx on membership (current_period_end) where status in ('trial', 'active')`.execute(
    db,
  );

  await db.schema
    .createTable('membership_payment')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('membership_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('subscribe', 'renewal')`))
    .addColumn('payment_reference', 'text')
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz')
    .addColumn('dividend_points', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_payment_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create index membership_payment_membership_idx on membership_payment (tenant_id, membership_id, paid_at desc)`.execute(
    db,
  );
  await sql`create unique index membership_payment_reference_uq on membership_payment (tenant_id, payment_reference) where payment_reference is not null`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['membership_payment', 'membership', 'membership_plan'])
    await db.schema.dropTable(t).ifExists().execute();
}
