import { type Kysely, sql } from 'kysely';

// Merging duplicate members and pooling a household's points into one wallet (issue 9).
// - member: status `merged` (terminal) with `merged_into`, the survivor a merged id answers with.
// - account.forwarded_to: "this member's points live in that member's accounts". Set on the
//   accounts of a household member (points pooled into the household wallet) and of a merged
//   member; read under the same row lock a purchase already takes, so a receipt racing a join or
//   a merge follows the pointer instead of landing in an emptied wallet.
// - household.wallet_member_id: whose accounts are the household's shared wallet (the owner's at
//   creation; kept when the owner is erased, moved when the holder is merged).
// - member_merge: one row per merged duplicate with what moved, for idempotent replays and the
//   timelines of both members.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table member drop constraint if exists member_status_check`.execute(db);
  await sql`alter table member add constraint member_status_check
    check (status in ('active', 'blocked', 'anonymized', 'merged'))`.execute(db);
  await db.schema.alterTable('member').addColumn('merged_into', 'text').execute();
  await db.schema.alterTable('member').addColumn('merged_at', 'timestamptz').execute();
  await sql`create index member_merged_into_idx on member (tenant_id, merged_into) where merged_into is not null`.execute(
    db,
  );

  await db.schema.alterTable('account').addColumn('forwarded_to', 'text').execute();
  await sql`create index account_forwarded_to_idx on account (tenant_id, forwarded_to) where forwarded_to is not null`.execute(
    db,
  );

  await db.schema.alterTable('household').addColumn('wallet_member_id', 'text').execute();

  await db.schema
    .createTable('member_merge')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('duplicate_member_id', 'text', (c) => c.notNull())
    .addColumn('survivor_member_id', 'text', (c) => c.notNull())
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('merged_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_merge_pk', ['tenant_id', 'duplicate_member_id'])
    .execute();
  await sql`create index member_merge_survivor_idx on member_merge (tenant_id, survivor_member_id)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_merge').ifExists().execute();
  await db.schema.alterTable('household').dropColumn('wallet_member_id').execute();
  await sql`drop index if exists account_forwarded_to_idx`.execute(db);
  await db.schema.alterTable('account').dropColumn('forwarded_to').execute();
  await sql`drop index if exists member_merged_into_idx`.execute(db);
  await db.schema.alterTable('member').dropColumn('merged_at').execute();
  await db.schema.alterTable('member').dropColumn('merged_into').execute();
  await sql`alter table member drop constraint if exists member_status_check`.execute(db);
  await sql`alter table member add constraint member_status_check
    check (status in ('active', 'blocked', 'anonymized'))`.execute(db);
}
