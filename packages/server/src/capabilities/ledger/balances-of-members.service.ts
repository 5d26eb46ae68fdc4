import { computeBalance } from '@kopilka/domain/ledger';
import type { DbOrTrx } from '../../platform/db';
import { rowToLot } from './wallet.service';

// Balances of many members at once (balance export): the same figures as GET /members/{id}/balance
// — available (active, unexpired lots minus debt), pending, soonest expiry — from two queries per
// page of members instead of two per member.

export type MemberBalanceRow = {
  memberId: string;
  currency: string;
  available: number;
  pending: number;
  /** The soonest expiry of available points and how many points expire then; null = none expire. */
  nextExpiry: { at: Date; points: number } | null;
};

/** Ids of members that have ledger accounts, in id order, after `afterMemberId`. */
export async function listMembersWithAccounts(
  db: DbOrTrx,
  tenantId: string,
  opts: { afterMemberId?: string | undefined; limit: number; currency?: string | undefined },
): Promise<string[]> {
  let q = db
    .selectFrom('account')
    .select('member_id')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'is not', null)
    .orderBy('member_id')
    .limit(opts.limit);
  if (opts.afterMemberId !== undefined) q = q.where('member_id', '>', opts.afterMemberId);
  if (opts.currency !== undefined) q = q.where('currency', '=', opts.currency);
  return (await q.execute()).map((r) => r.member_id!);
}

/** One row per member and currency the member has accounts in, members in the given order. */
export async function findBalancesOfMembers(
  db: DbOrTrx,
  tenantId: string,
  memberIds: readonly string[],
  now: Date,
  currency?: string,
): Promise<MemberBalanceRow[]> {
  if (memberIds.length === 0) return [];
  let accountsQuery = db
    .selectFrom('account')
    .select(['member_id', 'currency', 'kind', 'debt'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', memberIds);
  let lotsQuery = db
    .selectFrom('lot')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', memberIds)
    .where('remaining', '>', 0);
  if (currency !== undefined) {
    accountsQuery = accountsQuery.where('currency', '=', currency);
    lotsQuery = lotsQuery.where('currency', '=', currency);
  }
  const [accounts, lots] = await Promise.all([accountsQuery.execute(), lotsQuery.execute()]);
  const key = (memberId: string, c: string) => `${memberId}\u0000${c}`;
  const debts = new Map<string, number>();
  const currencies = new Map<string, Set<string>>();
  for (const a of accounts) {
    const k = key(a.member_id!, a.currency);
    if (a.kind === 'available') debts.set(k, Number(a.debt));
    const set = currencies.get(a.member_id!) ?? new Set<string>();
    set.add(a.currency);
    currencies.set(a.member_id!, set);
  }
  const lotsByKey = new Map<string, ReturnType<typeof rowToLot>[]>();
  for (const l of lots) {
    const k = key(l.member_id, l.currency);
    const list = lotsByKey.get(k) ?? [];
    list.push(rowToLot(l));
    lotsByKey.set(k, list);
  }
  const out: MemberBalanceRow[] = [];
  for (const memberId of memberIds) {
    for (const c of [...(currencies.get(memberId) ?? [])].sort()) {
      const k = key(memberId, c);
      const b = computeBalance(lotsByKey.get(k) ?? [], debts.get(k) ?? 0, now);
      const next = b.expiring[0];
      out.push({
        memberId,
        currency: c,
        available: b.available,
        pending: b.pending,
        nextExpiry: next ? { at: next.expiresAt, points: next.points } : null,
      });
    }
  }
  return out;
}
