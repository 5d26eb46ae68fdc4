import { type Kysely, sql } from 'kysely';

// Members and what hangs off them directly: notes, the tenant's attribute schema, the QR signing
// secret, households, and the import staging table. Lookups the till and the console make are
// indexed per tenant: exact phone/email/externalId, phone prefix and suffix, name prefix.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'blocked', 'anonymized')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('birth_date', 'date')
    .addColumn('external_id', 'text')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('qr_key', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('api'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('blocked_at', 'timestamptz')
    .addColumn('anonymized_at', 'timestamptz')
    .execute();
  await sql`create index member_tenant_idx on member (tenant_id, id)`.execute(db);
  // text_pattern_ops serves both equality (uniqueness, exact lookup) and `like '+7916%'` prefixes.
  await sql`create unique index member_phone_uq on member (tenant_id, phone text_pattern_ops)`.execute(db);
  // Cashiers type the last digits of a phone: a prefix search on the reversed number.
  await sql`create index member_phone_suffix_idx on member (tenant_id, reverse(phone) text_pattern_ops) where phone is not null`.execute(
    db,
  );
  await sql`create unique index member_email_uq on member (tenant_id, lower(email))`.execute(db);
  await sql`create unique index member_external_id_uq on member (tenant_id, external_id)`.execute(db);
  await sql`create unique index member_qr_key_uq on member (tenant_id, qr_key)`.execute(db);
  await sql`create index member_last_name_idx on member (tenant_id, lower(last_name) text_pattern_ops) where last_name is not null`.execute(
    db,
  );
  await sql`create index member_first_name_idx on member (tenant_id, lower(first_name) text_pattern_ops) where first_name is not null`.execute(
    db,
  );

  await db.schema
    .createTable('member_note')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull().references('member.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('author_type', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index member_note_member_idx on member_note (tenant_id, member_id, id)`.execute(db);

  await db.schema
    .createTable('member_attribute_def')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('allowed_values', 'jsonb')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('member_attribute_def_pk', ['tenant_id', 'key'])
    .execute();

  await db.schema
    .createTable('member_qr_secret')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenant.id'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('household')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenant.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('family'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index household_tenant_idx on household (tenant_id, id)`.execute(db);
  await db.schema
    .createTable('household_member')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull().references('household.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('member.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'member')`))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A member belongs to at most one household: it pools one wallet.
    .addPrimaryKeyConstraint('household_member_pk', ['tenant_id', 'member_id'])
    .execute();
  await sql`create index household_member_household_idx on household_member (tenant_id, household_id)`.execute(
    db,
  );
  await sql`create unique index household_owner_uq on household_member (tenant_id, household_id) where role = 'owner'`.execute(
    db,
  );

  // Staging for `kopilka import members`: rows are validated in Node, bulk-loaded here (COPY on
  // PostgreSQL) and moved into `member` by set-based statements. Unlogged: it is scratch space.
  await sql`
    create unlogged table member_import_row (
      tenant_id text not null,
      import_id text not null,
      line integer not null,
      member_id text not null,
      phone text,
      email text,
      first_name text,
      last_name text,
      birth_date date,
      external_id text,
      card_number text,
      card_kind text,
      tags text[],
      attributes jsonb,
      consent_email boolean,
      consent_sms boolean,
      consent_push boolean,
      consent_version text,
      outcome text,
      reason text,
      matched_member_id text,
      primary key (import_id, line)
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'member_import_row',
    'household_member',
    'household',
    'member_qr_secret',
    'member_attribute_def',
    'member_note',
    'member',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
