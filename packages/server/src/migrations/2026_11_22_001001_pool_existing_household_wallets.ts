import { type Kysely, sql } from 'kysely';

// Data backfill for household wallet pooling (schema in 001000). Households made before pooling
// existed get their wallet: the owner's accounts (or, without an owner, the earliest member's).
// Every other member's points move there the way a join moves them: per lot, a posting from the
// member's account to the program's `transfers` clearing account and one from there to the
// holder's account (each within one member, as `ledger verify` requires); the lots change holder
// keeping their dates; debts move the same way; the member's accounts then forward to the holder
// and their reservations lapse. Set-based SQL, not the application's code, so the migration keeps
// meaning what it meant when it was written. A holder that ends with debt and points at once keeps
// both (available = points − debt, as `ledger verify` checks); the next accrual nets them.
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against the schema of their day
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update household h set wallet_member_id = coalesce(
      (select o.member_id from household_member o
        where o.tenant_id = h.tenant_id and o.household_id = h.id and o.role = 'owner'),
      (select m.member_id from household_member m
        where m.tenant_id = h.tenant_id and m.household_id = h.id order by m.joined_at, m.member_id limit 1))
    where h.wallet_member_id is null`.execute(db);

  await sql`
    create temporary table pool_move as
    select hm.tenant_id, hm.member_id, h.wallet_member_id as holder,
           'op_pool_' || md5(hm.tenant_id || '/' || hm.member_id) as op_id
    from household_member hm
    join household h on h.tenant_id = hm.tenant_id and h.id = hm.household_id
    where h.wallet_member_id is not null and hm.member_id <> h.wallet_member_id`.execute(db);

  const newAccountId = sql`'acc_' || replace(gen_random_uuid()::text, '-', '')`;
  await sql`
    insert into account (id, tenant_id, member_id, currency, kind)
    select ${newAccountId}, x.tenant_id, x.member_id, 'points', k.kind
    from (select tenant_id, member_id from pool_move union select tenant_id, holder from pool_move) x
    cross join (values ('available'), ('pending')) as k(kind)
    on conflict (tenant_id, member_id, currency, kind) where member_id is not null do nothing`.execute(db);
  await sql`
    insert into account (id, tenant_id, member_id, currency, kind)
    select ${newAccountId}, t.tenant_id, null, 'points', 'transfers'
    from (select distinct tenant_id from pool_move) t
    on conflict (tenant_id, currency, kind) where member_id is null do nothing`.execute(db);
  await sql`
    insert into operation (id, tenant_id, scope, key, request_hash, response_status)
    select op_id, tenant_id, 'household.pool', op_id, '', 200 from pool_move`.execute(db);

  // One row per moved member with its accounts, the holder's and the clearing account.
  await sql`
    create temporary table pool_accounts as
    select p.*, sa.id as src_available, sp.id as src_pending, da.id as dst_available, dp.id as dst_pending,
           tr.id as transfers, sa.debt as debt, sa.balance as available_balance, sp.balance as pending_balance
    from pool_move p
    join account sa on sa.tenant_id = p.tenant_id and sa.member_id = p.member_id and sa.currency = 'points' and sa.kind = 'available'
    join account sp on sp.tenant_id = p.tenant_id and sp.member_id = p.member_id and sp.currency = 'points' and sp.kind = 'pending'
    join account da on da.tenant_id = p.tenant_id and da.member_id = p.holder and da.currency = 'points' and da.kind = 'available'
    join account dp on dp.tenant_id = p.tenant_id and dp.member_id = p.holder and dp.currency = 'points' and dp.kind = 'pending'
    join account tr on tr.tenant_id = p.tenant_id and tr.member_id is null and tr.currency = 'points' and tr.kind = 'transfers'`.execute(
    db,
  );
  await sql`
    insert into posting (tenant_id, operation_id, currency, from_account_id, to_account_id, points, lot_id, member_id)
    select a.tenant_id, a.op_id, 'points', src, dst, points, lot_id, member_id from (
      select a.tenant_id, a.op_id, l.id as lot_id, l.remaining as points, a.member_id,
             case l.bucket when 'available' then a.src_available else a.src_pending end as src, a.transfers as dst, 1 as leg
      from pool_accounts a join lot l on l.tenant_id = a.tenant_id and l.member_id = a.member_id and l.currency = 'points' and l.remaining > 0
      union all
      select a.tenant_id, a.op_id, l.id, l.remaining, a.holder,
             a.transfers, case l.bucket when 'available' then a.dst_available else a.dst_pending end, 2
      from pool_accounts a join lot l on l.tenant_id = a.tenant_id and l.member_id = a.member_id and l.currency = 'points' and l.remaining > 0
      union all
      select a.tenant_id, a.op_id, null, a.debt, a.member_id, a.transfers, a.src_available, 3 from pool_accounts a where a.debt > 0
      union all
      select a.tenant_id, a.op_id, null, a.debt, a.holder, a.dst_available, a.transfers, 4 from pool_accounts a where a.debt > 0
    ) a order by op_id, leg, lot_id`.execute(db);

  await sql`
    update account d set balance = d.balance + s.available, debt = d.debt + s.debt
    from (select dst_available, sum(available_balance) as available, sum(debt) as debt from pool_accounts group by dst_available) s
    where d.id = s.dst_available`.execute(db);
  await sql`
    update account d set balance = d.balance + s.pending
    from (select dst_pending, sum(pending_balance) as pending from pool_accounts group by dst_pending) s
    where d.id = s.dst_pending`.execute(db);
  await sql`
    insert into ledger_entry (tenant_id, member_id, currency, operation_id, kind, bucket, points, balance_after, pending_after, reason, at)
    select a.tenant_id, a.member_id, 'points', a.op_id, 'household_out', 'available', -a.available_balance, 0, 0, 'household pooling', now()
    from pool_accounts a where a.available_balance <> 0
    union all
    select a.tenant_id, a.member_id, 'points', a.op_id, 'household_out', 'pending', -a.pending_balance, 0, 0, 'household pooling', now()
    from pool_accounts a where a.pending_balance <> 0
    union all
    select a.tenant_id, a.holder, 'points', a.op_id, 'household_in', 'available', a.available_balance, d.balance, dp.balance, 'household pooling', now()
    from pool_accounts a join account d on d.id = a.dst_available join account dp on dp.id = a.dst_pending
    where a.available_balance <> 0
    union all
    select a.tenant_id, a.holder, 'points', a.op_id, 'household_in', 'pending', a.pending_balance, d.balance, dp.balance, 'household pooling', now()
    from pool_accounts a join account d on d.id = a.dst_available join account dp on dp.id = a.dst_pending
    where a.pending_balance <> 0`.execute(db);
  await sql`
    update account s set balance = 0, debt = 0, forwarded_to = p.holder
    from pool_move p
    where s.tenant_id = p.tenant_id and s.member_id = p.member_id and s.currency = 'points'`.execute(db);
  await sql`
    update lot set member_id = p.holder from pool_move p
    where lot.tenant_id = p.tenant_id and lot.member_id = p.member_id and lot.currency = 'points'`.execute(
    db,
  );
  await sql`
    delete from points_hold h using pool_move p
    where h.tenant_id = p.tenant_id and h.member_id = p.member_id and h.currency = 'points'`.execute(db);
  await sql`drop table pool_accounts`.execute(db);
  await sql`drop table pool_move`.execute(db);
}

// A backfill is not undone: the points stay where they are (the schema migration's down drops the
// pointers and the wallet column).
export async function down(): Promise<void> {}
