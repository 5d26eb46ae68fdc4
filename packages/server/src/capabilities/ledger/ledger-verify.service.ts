import {
  type AccountRef,
  checkLedgerInvariants,
  type LedgerProblem,
  type RefundPolicy,
} from '@kopilka/domain/ledger';
import { sql } from 'kysely';
import type { DbOrTrx } from '../../platform/db';
import { rowToLot } from './wallet.service';

export type VerifyReport = {
  ok: boolean;
  problems: (LedgerProblem & { tenantId: string })[];
  checked: { tenants: number; accounts: number; postings: number; lots: number };
};

/**
 * Proves the ledger invariants for one tenant (or all): the domain checker gets the accounts with
 * their cached balances, the postings summed per account pair (every posting is itself balanced:
 * one row, one amount, two accounts), open lots and debts, and the forward pointers of pooled and
 * merged members (their own accounts must hold nothing). SQL adds the checks the aggregate cannot
 * see: postings whose accounts are of another currency, tenant or member (a transfer between
 * members is two postings through the `transfers` clearing account, each within one member).
 */
export async function verifyLedger(
  db: DbOrTrx,
  opts: { tenantId?: string; policyOf: (tenantId: string) => Promise<RefundPolicy> },
): Promise<VerifyReport> {
  const tenants = opts.tenantId
    ? [opts.tenantId]
    : (await db.selectFrom('tenant').select('id').orderBy('id').execute()).map((t) => t.id);
  const problems: VerifyReport['problems'] = [];
  const checked = { tenants: tenants.length, accounts: 0, postings: 0, lots: 0 };
  for (const tenantId of tenants) {
    const [accounts, pairs, lots, crossed] = await Promise.all([
      db
        .selectFrom('account')
        .select(['id', 'member_id', 'currency', 'kind', 'balance', 'debt', 'forwarded_to', 'forward_reason'])
        .where('tenant_id', '=', tenantId)
        .execute(),
      sql<{ from_account_id: string; to_account_id: string; points: number; n: number }>`
        select from_account_id, to_account_id, sum(points)::int8 as points, count(*)::int8 as n
        from posting where tenant_id = ${tenantId} group by from_account_id, to_account_id`
        .execute(db)
        .then((r) => r.rows),
      db.selectFrom('lot').selectAll().where('tenant_id', '=', tenantId).where('remaining', '>', 0).execute(),
      sql<{ id: number; operation_id: string }>`
        select p.id, p.operation_id from posting p
        join account f on f.id = p.from_account_id
        join account t on t.id = p.to_account_id
        where p.tenant_id = ${tenantId}
          and (f.currency <> p.currency or t.currency <> p.currency or f.tenant_id <> p.tenant_id or t.tenant_id <> p.tenant_id
               or (f.member_id is not null and f.member_id is distinct from p.member_id)
               or (t.member_id is not null and t.member_id is distinct from p.member_id))
        limit 100`
        .execute(db)
        .then((r) => r.rows),
    ]);
    checked.accounts += accounts.length;
    checked.postings += pairs.reduce((n, p) => n + Number(p.n), 0);
    checked.lots += lots.length;
    const found = checkLedgerInvariants({
      policy: await opts.policyOf(tenantId),
      accounts: accounts.map((a) => ({
        accountId: a.id,
        currency: a.currency,
        memberId: a.member_id,
        name: a.kind as AccountRef,
        balance: a.member_id === null ? null : a.balance,
        forwardedTo: a.forwarded_to,
        ...(a.member_id === null ? {} : { forwardReason: a.forward_reason }),
      })),
      postings: pairs.map((p) => ({
        operationId: `${p.from_account_id}->${p.to_account_id}`,
        fromAccountId: p.from_account_id,
        toAccountId: p.to_account_id,
        points: Number(p.points),
      })),
      lots: lots.map((l) => ({ ...rowToLot(l), memberId: l.member_id, currency: l.currency })),
      debts: accounts
        .filter((a) => a.member_id !== null && a.debt > 0)
        .map((a) => ({ memberId: a.member_id!, currency: a.currency, debt: a.debt })),
    });
    for (const p of found) problems.push({ ...p, tenantId });
    for (const c of crossed) {
      problems.push({
        tenantId,
        code: 'posting_invalid',
        operationId: c.operation_id,
        message: `posting ${c.id} moves points between accounts of another currency, tenant or member`,
      });
    }
  }
  return { ok: problems.length === 0, problems, checked };
}
