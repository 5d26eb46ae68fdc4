import type { Insertable } from 'kysely';
import type { BatchPart, Param, WriteBatch } from '../../platform/write-batch';
import type { LotTable } from './ledger.table';

// The ledger's writes as parts of a WriteBatch (platform/write-batch.ts): a plan's lots, lot
// changes, postings, balances, consumed hold and history entries go out in one statement, merged
// with the rest of the operation's writes when the caller passes its batch (confirm does).

type LotRow = Insertable<LotTable>;

const LOT_COLUMNS = [
  'id',
  'tenant_id',
  'member_id',
  'currency',
  'bucket',
  'amount',
  'remaining',
  'activates_at',
  'expires_at',
  'created_at',
  'operation_id',
  'receipt_id',
] as const;

class LotInserts implements BatchPart {
  readonly rows = new Map<string, LotRow>();
  render(param: Param): string | null {
    if (this.rows.size === 0) return null;
    const tuples = [...this.rows.values()].map(
      (row) => `(${LOT_COLUMNS.map((c) => param(row[c])).join(', ')})`,
    );
    return `insert into lot (${LOT_COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
  }
}

class LotUpdates implements BatchPart {
  readonly changes = new Map<string, { delta: number; activate: boolean }>();
  render(param: Param): string | null {
    const rows = [...this.changes].filter(([, c]) => c.delta !== 0 || c.activate);
    if (rows.length === 0) return null;
    const values = rows.map(
      ([id, c]) => `(${param(id)}::text, ${param(c.delta)}::bigint, ${param(c.activate)}::boolean)`,
    );
    return `update lot set remaining = lot.remaining + v.delta, bucket = case when v.activate then 'available' else lot.bucket end
      from (values ${values.join(', ')}) as v(id, delta, activate) where lot.id = v.id`;
  }
}

class AccountBalances implements BatchPart {
  readonly balances = new Map<string, { balance: number; debt: number | null }>();
  render(param: Param): string | null {
    if (this.balances.size === 0) return null;
    const values = [...this.balances].map(
      ([id, b]) => `(${param(id)}::text, ${param(b.balance)}::bigint, ${param(b.debt)}::bigint)`,
    );
    return `update account set balance = v.balance, debt = coalesce(v.debt, account.debt)
      from (values ${values.join(', ')}) as v(id, balance, debt) where account.id = v.id`;
  }
}

class HoldDeletes implements BatchPart {
  readonly ids = new Set<string>();
  render(param: Param): string | null {
    return this.ids.size === 0
      ? null
      : `delete from points_hold where id = any(${param([...this.ids])}::text[])`;
  }
}

export function queueLotInserts(batch: WriteBatch, rows: readonly LotRow[]): void {
  const part = batch.part('ledger:lot-inserts', () => new LotInserts());
  for (const row of rows) part.rows.set(row.id, row);
}

/** `remaining += delta`; a lot inserted earlier in the same batch is inserted with the result. */
export function queueLotChanges(
  batch: WriteBatch,
  changes: readonly { lotId: string; delta: number }[],
): void {
  if (changes.length === 0) return;
  const inserts = batch.part('ledger:lot-inserts', () => new LotInserts());
  const updates = batch.part('ledger:lot-updates', () => new LotUpdates());
  for (const { lotId, delta } of changes) {
    const pending = inserts.rows.get(lotId);
    if (pending) {
      pending.remaining = Number(pending.remaining) + delta;
      continue;
    }
    const c = updates.changes.get(lotId) ?? { delta: 0, activate: false };
    updates.changes.set(lotId, { ...c, delta: c.delta + delta });
  }
}

export function queueLotActivations(batch: WriteBatch, lotIds: readonly string[]): void {
  if (lotIds.length === 0) return;
  const inserts = batch.part('ledger:lot-inserts', () => new LotInserts());
  const updates = batch.part('ledger:lot-updates', () => new LotUpdates());
  for (const lotId of lotIds) {
    const pending = inserts.rows.get(lotId);
    if (pending) {
      pending.bucket = 'available';
      continue;
    }
    const c = updates.changes.get(lotId) ?? { delta: 0, activate: false };
    updates.changes.set(lotId, { ...c, activate: true });
  }
}

/** Sets a member account's cached balance (and debt, when given); the last value set wins. */
export function queueAccountBalance(
  batch: WriteBatch,
  accountId: string,
  balance: number,
  debt?: number,
): void {
  const part = batch.part('ledger:account-balances', () => new AccountBalances());
  const before = part.balances.get(accountId);
  part.balances.set(accountId, { balance, debt: debt ?? before?.debt ?? null });
}

export function queueHoldDelete(batch: WriteBatch, holdId: string): void {
  batch.part('ledger:hold-deletes', () => new HoldDeletes()).ids.add(holdId);
}
