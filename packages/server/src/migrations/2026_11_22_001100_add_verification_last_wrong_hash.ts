import type { Kysely } from 'kysely';

// The hash of the last wrong code counted against a one-time code. A till's receipt confirm checks
// the code durably before its own transaction (so a wrong guess counts even when the receipt then
// fails and rolls back) and again inside it; the column lets the second check recognise the guess
// it already counted instead of counting it twice.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('verification').addColumn('last_wrong_hash', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('verification').dropColumn('last_wrong_hash').execute();
}
