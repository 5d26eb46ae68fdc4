import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { DbOrTrx, Trx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { sqlStatement } from '../../platform/sql-statement';
import type { ForwardReason, LedgerEntryTable, LotTable, PostingTable } from './ledger.table';

export const MEMBER_ACCOUNT_KINDS = ['available', 'pending'] as const;

export async function findProgramAccounts(
  trx: DbOrTrx,
  tenantId: string,
  currency: string,
): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('account')
    .select(['id', 'kind'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'is', null)
    .where('currency', '=', currency)
    .execute();
  return new Map(rows.map((r) => [r.kind, r.id]));
}

export async function ensureProgramAccounts(
  trx: DbOrTrx,
  tenantId: string,
  currency: string,
  kinds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('account')
    .select(['id', 'kind'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'is', null)
    .where('currency', '=', currency)
    .execute();
  const missing = kinds.filter((k) => !rows.some((r) => r.kind === k));
  if (missing.length > 0) {
    await trx
      .insertInto('account')
      .values(
        missing.map((kind) => ({ id: newId('acc'), tenant_id: tenantId, member_id: null, currency, kind })),
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'currency', 'kind']).where('member_id', 'is', null).doNothing(),
      )
      .execute();
    return ensureProgramAccounts(trx, tenantId, currency, []);
  }
  return new Map(rows.map((r) => [r.kind, r.id]));
}

// The member's accounts are the lock that serializes all of one member's ledger work. Always taken
// in (tenant, member, currency, kind) order, and for several members in member-id order, so two
// operations can never wait on each other in a cycle.
// Every purchase takes this lock: plain SQL text rather than the query builder (ADR 0006).
const LOCK_MEMBER_ACCOUNTS = sqlStatement<{
  id: string;
  kind: string;
  balance: number;
  debt: number;
  forwarded_to: string | null;
  forward_reason: ForwardReason | null;
}>(
  `select id, kind, balance, debt, forwarded_to, forward_reason from account
   where tenant_id = $1 and member_id = $2 and currency = $3 order by kind for update`,
);

/** New rows for a member's accounts in one currency (with any extra column values). */
export function newMemberAccountRows<E extends object>(
  tenantId: string,
  memberId: string,
  currency: string,
  extra?: E,
) {
  return MEMBER_ACCOUNT_KINDS.map((kind) => ({
    id: newId('acc'),
    tenant_id: tenantId,
    member_id: memberId,
    currency,
    kind,
    ...extra,
  }));
}

export async function lockMemberAccounts(trx: Trx, tenantId: string, memberId: string, currency: string) {
  const select = () => LOCK_MEMBER_ACCOUNTS.rows(trx, [tenantId, memberId, currency]);
  let rows = await select();
  if (rows.length < MEMBER_ACCOUNT_KINDS.length) {
    await trx
      .insertInto('account')
      .values(newMemberAccountRows(tenantId, memberId, currency))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'member_id', 'currency', 'kind'])
          .where('member_id', 'is not', null)
          .doNothing(),
      )
      .execute();
    rows = await select();
  }
  const available = rows.find((r) => r.kind === 'available');
  const pending = rows.find((r) => r.kind === 'pending');
  if (!available || !pending) throw new Error(`member accounts missing for ${memberId}`);
  return { available, pending };
}

export function findMemberAccounts(db: DbOrTrx, tenantId: string, memberId: string, currency: string) {
  return db
    .selectFrom('account')
    .select(['id', 'kind', 'balance', 'debt', 'forwarded_to'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('currency', '=', currency)
    .execute();
}

export function selectLots(
  db: DbOrTrx,
  tenantId: string,
  memberId: string,
  currency: string,
  extraLotIds: readonly string[],
) {
  return db
    .selectFrom('lot')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('currency', '=', currency)
    .where((eb) =>
      extraLotIds.length > 0
        ? eb.or([eb('remaining', '>', 0), eb('id', 'in', extraLotIds)])
        : eb('remaining', '>', 0),
    )
    .execute();
}

export type WalletLotRow = Pick<
  Selectable<LotTable>,
  'id' | 'bucket' | 'amount' | 'remaining' | 'activates_at' | 'expires_at' | 'created_at' | 'receipt_id'
>;
export type WalletHoldRow = { id: string; lots: unknown; expires_at: Date; receipt_id: string | null };

// A wallet's open lots (and `extraLotIds`) and live holds in one round trip, read after its
// accounts are locked. Two texts, so that without extra lots the partial index on open lots serves.
const WALLET_ROWS = (withExtraLots: boolean) =>
  sqlStatement<
    WalletLotRow & { row_kind: 'lot' | 'hold'; hold_lots: unknown }
  >(`select 'lot' as row_kind, id, bucket, amount, remaining, activates_at, expires_at, created_at, receipt_id, null::jsonb as hold_lots
     from lot where tenant_id = $1 and member_id = $2 and currency = $3
       and ${withExtraLots ? '(remaining > 0 or id = any($5::text[]))' : 'remaining > 0'}
     union all
     select 'hold', id, null, points, null, null, expires_at, null, receipt_id, lots
     from points_hold where tenant_id = $1 and member_id = $2 and currency = $3 and expires_at > $4`);
const WALLET_ROWS_OPEN = WALLET_ROWS(false);
const WALLET_ROWS_WITH_EXTRA = WALLET_ROWS(true);

export async function selectWalletRows(
  trx: Trx,
  tenantId: string,
  memberId: string,
  currency: string,
  extraLotIds: readonly string[],
  now: Date,
): Promise<{ lots: WalletLotRow[]; holds: WalletHoldRow[] }> {
  const rows =
    extraLotIds.length > 0
      ? await WALLET_ROWS_WITH_EXTRA.rows(trx, [tenantId, memberId, currency, now, extraLotIds])
      : await WALLET_ROWS_OPEN.rows(trx, [tenantId, memberId, currency, now]);
  const lots: WalletLotRow[] = [];
  const holds: WalletHoldRow[] = [];
  for (const r of rows) {
    if (r.row_kind === 'lot') lots.push(r);
    else holds.push({ id: r.id, lots: r.hold_lots, expires_at: r.expires_at!, receipt_id: r.receipt_id });
  }
  return { lots, holds };
}

export function selectHolds(db: DbOrTrx, tenantId: string, memberId: string, currency: string, now: Date) {
  return db
    .selectFrom('points_hold')
    .select(['id', 'lots', 'expires_at', 'receipt_id', 'points'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('currency', '=', currency)
    .where('expires_at', '>', now)
    .execute();
}

export async function insertLots(trx: Trx, rows: Insertable<LotTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('lot').values(rows).execute();
}

export async function changeLotRemaining(
  trx: Trx,
  changes: readonly { lotId: string; delta: number }[],
): Promise<void> {
  if (changes.length === 0) return;
  if (changes.length === 1) {
    const [c] = changes;
    await trx
      .updateTable('lot')
      .set({ remaining: sql`remaining + ${c!.delta}` })
      .where('id', '=', c!.lotId)
      .execute();
    return;
  }
  const values = sql.join(changes.map((c) => sql`(${c.lotId}::text, ${c.delta}::bigint)`));
  await sql`update lot set remaining = lot.remaining + v.delta from (values ${values}) as v(id, delta) where lot.id = v.id`.execute(
    trx,
  );
}

export async function markLotsActivated(trx: Trx, lotIds: readonly string[]): Promise<void> {
  if (lotIds.length > 0)
    await trx.updateTable('lot').set({ bucket: 'available' }).where('id', 'in', lotIds).execute();
}

export async function insertPostings(trx: Trx, rows: Insertable<PostingTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('posting').values(rows).execute();
}

export async function insertEntries(trx: Trx, rows: Insertable<LedgerEntryTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('ledger_entry').values(rows).execute();
}

export async function setAccountBalance(
  trx: Trx,
  accountId: string,
  balance: number,
  debt?: number,
): Promise<void> {
  await trx
    .updateTable('account')
    .set(debt === undefined ? { balance } : { balance, debt })
    .where('id', '=', accountId)
    .execute();
}

export async function deleteHold(trx: Trx, holdId: string): Promise<void> {
  await trx.deleteFrom('points_hold').where('id', '=', holdId).execute();
}

/** Points of a lot that sit in the program's `expired` account (expired and not yet reversed). */
export async function sumExpiredFromLot(
  trx: DbOrTrx,
  lotId: string,
  expiredAccountId: string,
): Promise<number> {
  const r = await sql<{ points: number }>`
    select coalesce(sum(case when to_account_id = ${expiredAccountId} then points else -points end), 0)::int8 as points
    from posting where lot_id = ${lotId} and (to_account_id = ${expiredAccountId} or from_account_id = ${expiredAccountId})`.execute(
    trx,
  );
  return Number(r.rows[0]?.points ?? 0);
}
