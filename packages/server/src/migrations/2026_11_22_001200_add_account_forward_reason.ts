import { type Kysely, sql } from 'kysely';

// account.forward_reason: why `forwarded_to` is set — 'household' (points pooled into the
// household wallet) or 'merge' (a merged duplicate's points moved to the survivor's). A purchase
// reads it with the account lock it already takes: one that waited on that lock while its member
// was being merged then belongs to the survivor, receipt row included, at no extra round trip for
// anyone else. Rows forwarded before this column existed are filled by 001201.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('account')
    .addColumn('forward_reason', 'text', (c) => c.check(sql`forward_reason in ('household', 'merge')`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account').dropColumn('forward_reason').execute();
}
