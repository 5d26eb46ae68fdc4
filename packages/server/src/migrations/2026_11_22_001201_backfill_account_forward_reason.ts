import { type Kysely, sql } from 'kysely';

// Data backfill for account.forward_reason (schema in 001200): accounts forwarded before the
// reason was recorded. A merged member's accounts forward because of the merge; any other
// member's forward only because of a household.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update account a
       set forward_reason = case when m.status = 'merged' then 'merge' else 'household' end
      from member m
     where a.forwarded_to is not null and a.forward_reason is null
       and m.tenant_id = a.tenant_id and m.id = a.member_id`.execute(db);
}

// Nothing to undo: 001200's down drops the column.
export async function down(): Promise<void> {}
