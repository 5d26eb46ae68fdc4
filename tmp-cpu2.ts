import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createTenant } from './packages/server/src/capabilities/tenants/tenants.service';
import { createPostgres } from './packages/server/src/platform/db';
import { migrateToLatest } from './packages/server/src/platform/migrate';

const N = Number(process.argv[2] ?? 200000);
const cpuOf = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
const name = `kopilka_cpu_${randomBytes(3).toString('hex')}`;
await admin.query(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const h = createPostgres(url, 2);
await migrateToLatest(h.db);
const tenant = await createTenant(h.db, { name: 'x', slug: 'x' });
await h.close();
const c = new pg.Client({ connectionString: url });
await c.connect();
const pid = (c as unknown as { processID: number }).processID;
const q = async (label: string, text: string) => {
  const a = cpuOf(pid); const t = Date.now();
  const r = await c.query(text);
  console.log(`${label.padEnd(28)} cpu ${(cpuOf(pid) - a).toFixed(2)}s wall ${((Date.now() - t) / 1000).toFixed(2)}s rows ${r.rowCount}`);
};
const T = `'${tenant.id}'`;
await q('stage', `insert into member_import_row (tenant_id, import_id, line, member_id, phone, email, first_name, last_name, birth_date, external_id, card_number, card_kind, consent_sms, consent_email)
  select ${T}, 'imp1', i + 1, 'mbr_' || lpad(to_hex(i), 12, '0') || md5(i::text)::varchar(14), '+791' || lpad(((i::bigint * 7919) % 100000000)::text, 8, '0'),
    case when i % 3 > 0 then 'user' || i || '@Example.com' end, (array['Анна','Иван','Мария'])[1 + i % 3], 'Фамилия' || (i % 1000), date '1980-01-01' + (i % 9000),
    'crm-' || i, case when i % 10 = 0 then 'OLD' || i end, case when i % 10 = 0 then 'external' else 'virtual' end, case when i % 2 = 1 then true end, case when i % 5 = 0 then true end
  from generate_series(1, ${N}) i`);
await q('analyze', 'analyze member_import_row');
await q('begin', 'begin');
await q('fk off', 'set local session_replication_role = replica');
await q('dups', `update member_import_row r set outcome = 'duplicate', reason = 'same ' || d.field || ' as line ' || d.first_line from (select line, field, first_line from (
  select line, 'phone' as field, min(line) over (partition by phone) as first_line from member_import_row where import_id = 'imp1' and phone is not null
  union all select line, 'email', min(line) over (partition by lower(email)) from member_import_row where import_id = 'imp1' and email is not null
  union all select line, 'externalId', min(line) over (partition by external_id) from member_import_row where import_id = 'imp1' and external_id is not null
  union all select line, 'cardNumber', min(line) over (partition by card_number) from member_import_row where import_id = 'imp1' and card_number is not null) x where line <> first_line) d
  where r.import_id = 'imp1' and r.line = d.line`);
await q('insert member', `insert into member (id, tenant_id, phone, email, first_name, last_name, birth_date, external_id, tags, attributes, source, created_at, updated_at)
  select member_id, tenant_id, phone, email, first_name, last_name, birth_date, external_id, coalesce(tags, '{}'), coalesce(attributes, '{}'), 'import', now(), now()
  from member_import_row r where import_id = 'imp1' and outcome is null order by line on conflict do nothing`);
await q('insert cards', `insert into member_card (tenant_id, number, member_id, kind, status, batch_id, bound_at)
  select r.tenant_id, coalesce(r.card_number, '299' || lpad((count(*) filter (where r.card_number is null) over (order by r.line))::text, 10, '0')), r.member_id, r.card_kind, 'active', null, now()
  from member_import_row r where import_id = 'imp1' and outcome is null on conflict do nothing`);
await q('insert consents', `insert into member_consent (tenant_id, member_id, channel, purpose, granted, text_version, source, updated_at)
  select ${T}, c.member_id, c.channel, 'marketing', c.granted, null, 'import', now() from (select r.member_id, v.channel, v.granted from member_import_row r
  cross join lateral (values ('email', r.consent_email), ('sms', r.consent_sms), ('push', r.consent_push)) as v(channel, granted) where import_id = 'imp1' and v.granted is not null) c on conflict do nothing`);
await q('rollback', 'rollback');
for (const idx of ['member_tenant_idx', 'member_phone_uq', 'member_phone_suffix_idx', 'member_email_uq', 'member_external_id_uq', 'member_qr_key_uq', 'member_last_name_idx', 'member_first_name_idx']) {
  await q('begin', 'begin');
  await q('fk off', 'set local session_replication_role = replica');
  await q(`drop ${idx}`, `drop index ${idx}`);
  await q('insert member w/o ' + idx.slice(7), `insert into member (id, tenant_id, phone, email, first_name, last_name, birth_date, external_id, tags, attributes, source, created_at, updated_at)
  select member_id, tenant_id, phone, email, first_name, last_name, birth_date, external_id, coalesce(tags, '{}'), coalesce(attributes, '{}'), 'import', now(), now()
  from member_import_row r where import_id = 'imp1' and outcome is null order by line on conflict do nothing`);
  await q('rollback', 'rollback');
}
await c.end();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
