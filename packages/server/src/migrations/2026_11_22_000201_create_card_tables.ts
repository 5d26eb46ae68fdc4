import { type Kysely, sql } from 'kysely';

// Loyalty cards. A batch of plastic cards is a reserved number range (nothing is stored per card
// until a card is bound at the till); `card_range` hands out serials per (tenant, prefix) for
// batches and virtual cards alike, so no two cards of a tenant ever share a number.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('card_range')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('next_serial', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('card_range_pk', ['tenant_id', 'prefix'])
    .execute();

  await db.schema
    .createTable('card_batch')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('first_serial', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index card_batch_prefix_idx on card_batch (tenant_id, prefix, first_serial)`.execute(db);

  await db.schema
    .createTable('member_card')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.references('member.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('virtual', 'plastic', 'external')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'blocked', 'replaced')`))
    .addColumn('batch_id', 'text')
    .addColumn('bound_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('blocked_at', 'timestamptz')
    .addColumn('block_reason', 'text')
    .addColumn('replaced_by', 'text')
    .addPrimaryKeyConstraint('member_card_pk', ['tenant_id', 'number'])
    .execute();
  await sql`create index member_card_member_idx on member_card (tenant_id, member_id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['member_card', 'card_batch', 'card_range']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
