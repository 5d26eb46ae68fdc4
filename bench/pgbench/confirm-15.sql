-- The server's confirm before ADR 0006 (15 statements; today's shape is confirm.sql), kept to
-- show what PostgreSQL itself gained from the fold: `npm run bench -- --legacy-pgbench`.
-- The SQL of one earn-only POST /v1/receipts/confirm, statement for statement, in the server's
-- order, with the same rows and one round trip each (captured from pg_stat_statements; run with
-- -M extended, as node-postgres sends parameterized queries). The program version, API key and
-- program accounts are cached by the server and not read per receipt, so they are not here either.
-- Variables from bench/run.ts (-D): tenant, members, hash, body (stored response JSON),
-- event (outbox payload JSON), earn (receipt.earn JSON), coupons, ts (timestamp), exp (expiry).
\set m random(1, :members)
\set r random(1, 9000000000000000000)
\set lines random(1, 3)
\set pts random(5, 120)
\set amt random(3990, 250090)
BEGIN;
insert into "operation" ("id", "tenant_id", "scope", "key", "request_hash", "response_status", "response_body") values ('op_pgb' || :r, :tenant, 'receipt.confirm', 'pgb-' || :r, :hash, null, null) on conflict ("tenant_id", "scope", "key") do nothing returning "id";
select "member"."id", "member"."tenant_id", "member"."status", "member"."status_reason", "member"."phone", "member"."email", "member"."first_name", "member"."last_name", member.birth_date::text as "birth_date", "member"."external_id", "member"."tags", "member"."attributes", "member"."source", "member"."created_at", "member"."updated_at", "member"."blocked_at", "member"."anonymized_at", (select "member_card"."number" from "member_card" where "member_card"."tenant_id" = "member"."tenant_id" and "member_card"."member_id" = "member"."id" and "member_card"."status" = 'active' order by "member_card"."bound_at" desc, "member_card"."number" desc limit 1) as "card_number", (select "household_member"."household_id" from "household_member" where "household_member"."tenant_id" = "member"."tenant_id" and "household_member"."member_id" = "member"."id") as "household_id" from "member" where "member"."tenant_id" = :tenant and "member"."id" = 'mbr_b' || :m;
select "id", "kind", "balance", "debt" from "account" where "tenant_id" = :tenant and "member_id" = 'mbr_b' || :m and "currency" = 'points' order by "kind" for update;
select * from "lot" where "tenant_id" = :tenant and "member_id" = 'mbr_b' || :m and "currency" = 'points' and "remaining" > 0;
select "id", "lots", "expires_at", "receipt_id", "points" from "points_hold" where "tenant_id" = :tenant and "member_id" = 'mbr_b' || :m and "currency" = 'points' and "expires_at" > :ts;
insert into "lot" ("id", "tenant_id", "member_id", "currency", "bucket", "amount", "remaining", "activates_at", "expires_at", "created_at", "operation_id", "receipt_id") values ('lot_pgb' || :r, :tenant, 'mbr_b' || :m, 'points', 'available', :pts, :pts, :ts, :exp, :ts, 'op_pgb' || :r, 'pgb-' || :r);
insert into "posting" ("tenant_id", "operation_id", "currency", "from_account_id", "to_account_id", "points", "lot_id", "member_id") values (:tenant, 'op_pgb' || :r, 'points', :issued, 'acc_b' || :m || 'a', :pts, 'lot_pgb' || :r, 'mbr_b' || :m);
update "account" set "balance" = "balance" + :pts, "debt" = 0 where "id" = 'acc_b' || :m || 'a';
insert into "ledger_entry" ("tenant_id", "member_id", "currency", "operation_id", "kind", "bucket", "points", "balance_after", "pending_after", "receipt_id", "reason", "at") values (:tenant, 'mbr_b' || :m, 'points', 'op_pgb' || :r, 'accrue', 'available', :pts, :pts, 0, 'pgb-' || :r, null, :ts);
insert into "receipt" ("tenant_id", "id", "member_id", "store_id", "terminal_id", "channel", "status", "occurred_at", "confirmed_at", "currency", "program_version", "amount_minor", "discount_minor", "points_spent", "points_spent_minor", "payable_minor", "points_earned", "earn_lot_id", "spend_allocation", "effects", "coupons", "earn", "operation_id") values (:tenant, 'pgb-' || :r, 'mbr_b' || :m, 'store-001', 'till-1', 'pos', 'confirmed', :ts, :ts, 'RUB', 1, :amt, 0, 0, 0, :amt, :pts, 'lot_pgb' || :r, '[]'::jsonb, '[]'::jsonb, (:coupons)::jsonb, (:earn)::jsonb, 'op_pgb' || :r);
\if :lines = 1
insert into "receipt_line" ("tenant_id", "receipt_id", "line_no", "line_id", "sku", "category", "quantity_milli", "amount_minor", "discount_minor", "discount_percent", "points_spent", "points_spent_minor", "payable_minor", "points_earned") values (:tenant, 'pgb-' || :r, 0, '1', 'SKU-0001', 'coffee', 1000, :amt, 0, '0', 0, 0, :amt, :pts);
\elif :lines = 2
insert into "receipt_line" ("tenant_id", "receipt_id", "line_no", "line_id", "sku", "category", "quantity_milli", "amount_minor", "discount_minor", "discount_percent", "points_spent", "points_spent_minor", "payable_minor", "points_earned") values (:tenant, 'pgb-' || :r, 0, '1', 'SKU-0001', 'coffee', 1000, :amt, 0, '0', 0, 0, :amt, :pts), (:tenant, 'pgb-' || :r, 1, '2', 'SKU-0002', 'bakery', 2000, :amt, 0, '0', 0, 0, :amt, 0);
\else
insert into "receipt_line" ("tenant_id", "receipt_id", "line_no", "line_id", "sku", "category", "quantity_milli", "amount_minor", "discount_minor", "discount_percent", "points_spent", "points_spent_minor", "payable_minor", "points_earned") values (:tenant, 'pgb-' || :r, 0, '1', 'SKU-0001', 'coffee', 1000, :amt, 0, '0', 0, 0, :amt, :pts), (:tenant, 'pgb-' || :r, 1, '2', 'SKU-0002', 'bakery', 2000, :amt, 0, '0', 0, 0, :amt, 0), (:tenant, 'pgb-' || :r, 2, '3', 'SKU-0003', 'dairy', 1000, :amt, 0, '0', 0, 0, :amt, 0);
\endif
insert into "event_outbox" ("tenant_id", "type", "member_id", "dedupe_key", "payload", "occurred_at") values (:tenant, 'receipt.confirmed', 'mbr_b' || :m, null, (:event)::jsonb, :ts);
update "operation" set "response_status" = 201, "response_body" = (:body)::jsonb where "id" = 'op_pgb' || :r;
COMMIT;
