import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('receipt')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('store_id', 'text')
    .addColumn('terminal_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('program_version', 'integer', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('points_spent', 'bigint', (c) => c.notNull())
    .addColumn('points_spent_minor', 'bigint', (c) => c.notNull())
    .addColumn('payable_minor', 'bigint', (c) => c.notNull())
    .addColumn('points_earned', 'bigint', (c) => c.notNull())
    .addColumn('refunded_amount_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('earn_lot_id', 'text')
    .addColumn('spend_allocation', 'jsonb', (c) => c.notNull())
    .addColumn('effects', 'jsonb', (c) => c.notNull())
    .addColumn('coupons', 'jsonb', (c) => c.notNull())
    .addColumn('earn', 'jsonb', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('receipt_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create index receipt_member_idx on receipt (tenant_id, member_id, occurred_at desc, id desc)`.execute(
    db,
  );
  await sql`create index receipt_occurred_idx on receipt (tenant_id, occurred_at desc, id desc)`.execute(db);
  await sql`create index receipt_store_idx on receipt (tenant_id, store_id, occurred_at desc)`.execute(db);

  // Fiscal-ready per-line figures (54-FZ prints each line's discount and points payment).
  await db.schema
    .createTable('receipt_line')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_percent', 'text', (c) => c.notNull())
    .addColumn('points_spent', 'bigint', (c) => c.notNull())
    .addColumn('points_spent_minor', 'bigint', (c) => c.notNull())
    .addColumn('payable_minor', 'bigint', (c) => c.notNull())
    .addColumn('points_earned', 'bigint', (c) => c.notNull())
    .addColumn('refunded_quantity_milli', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('receipt_line_pk', ['tenant_id', 'receipt_id', 'line_no'])
    .execute();

  await db.schema
    .createTable('receipt_refund')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('returned_lots', 'jsonb', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('points_returned', 'bigint', (c) => c.notNull())
    .addColumn('points_revoked', 'bigint', (c) => c.notNull())
    .addColumn('points_written_off', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('receipt_refund_pk', ['tenant_id', 'id'])
    .execute();
  await sql`create index receipt_refund_receipt_idx on receipt_refund (tenant_id, receipt_id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['receipt_refund', 'receipt_line', 'receipt'])
    await db.schema.dropTable(t).ifExists().execute();
}
