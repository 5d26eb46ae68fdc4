import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  // Member accounts (kind available | pending) carry a cached balance updated under a row lock in
  // the same transaction as their postings. Program accounts (issued, redeemed, expired,
  // written_off, adjustments) never do: a shared total row would serialize every purchase, so
  // their balances are derived from postings.
  await db.schema
    .createTable('account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('debt', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`debt >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index account_member_uq on account (tenant_id, member_id, currency, kind) where member_id is not null`.execute(
    db,
  );
  await sql`create unique index account_program_uq on account (tenant_id, currency, kind) where member_id is null`.execute(
    db,
  );

  await db.schema
    .createTable('lot')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('remaining', 'bigint', (c) => c.notNull())
    .addColumn('activates_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text')
    .addCheckConstraint('lot_remaining_bounds', sql`remaining >= 0 and remaining <= amount`)
    .execute();
  await sql`create index lot_member_open_idx on lot (tenant_id, member_id, currency) where remaining > 0`.execute(
    db,
  );
  await sql`create index lot_expiry_due_idx on lot (expires_at) where remaining > 0 and bucket = 'available'`.execute(
    db,
  );
  await sql`create index lot_activation_due_idx on lot (activates_at) where bucket = 'pending'`.execute(db);

  await db.schema
    .createTable('posting')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('from_account_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('to_account_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('points', 'bigint', (c) => c.notNull().check(sql`points > 0`))
    .addColumn('lot_id', 'text')
    .addColumn('member_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index posting_operation_idx on posting (operation_id)`.execute(db);
  await sql`create index posting_member_idx on posting (tenant_id, member_id, id)`.execute(db);
  await sql`create index posting_lot_idx on posting (lot_id) where lot_id is not null`.execute(db);

  // What a member sees in their history: one entry per operation and bucket, with the balance after.
  await db.schema
    .createTable('ledger_entry')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    .addColumn('pending_after', 'bigint', (c) => c.notNull())
    .addColumn('receipt_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index ledger_entry_member_idx on ledger_entry (tenant_id, member_id, currency, id desc)`.execute(
    db,
  );

  await db.schema
    .createTable('points_hold')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('lots', 'jsonb', (c) => c.notNull())
    .addColumn('receipt_id', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index points_hold_member_idx on points_hold (tenant_id, member_id, currency)`.execute(db);
  await sql`create index points_hold_expiry_idx on points_hold (expires_at)`.execute(db);

  // Postings and history are append-only: mistakes are fixed by reversing postings.
  await sql`
    create or replace function kopilka_reject_mutation() returns trigger language plpgsql as $$
    begin
      raise exception 'table % is append-only: % is not allowed', tg_table_name, tg_op using errcode = '55000';
    end $$`.execute(db);
  for (const table of ['posting', 'ledger_entry']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function kopilka_reject_mutation()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function kopilka_reject_mutation()`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['points_hold', 'ledger_entry', 'posting', 'lot', 'account'])
    await db.schema.dropTable(t).ifExists().execute();
  await sql`drop function if exists kopilka_reject_mutation()`.execute(db);
}
