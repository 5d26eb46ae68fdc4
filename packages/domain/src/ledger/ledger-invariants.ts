import type { AccountRef, Lot, RefundPolicy } from './ledger-types';
import { MEMBER_BUCKETS, PROGRAM_ACCOUNTS } from './ledger-types';
import { checkClearingAndForwards } from './transfer-invariants';

// Plain rows, so that `ledger verify` can feed this straight from SQL.

export type LedgerAccountRow = {
  accountId: string;
  currency: string;
  /** null for program-side accounts. */
  memberId: string | null;
  name: AccountRef;
  /** Cached balance; null for accounts whose balance is derived rather than cached (program totals). */
  balance: number | null;
  /** Member accounts only: the member whose accounts hold these points instead (household, merge). */
  forwardedTo?: string | null;
  /** Why the account forwards (`household` pooling or a `merge`); omit where not known. */
  forwardReason?: 'household' | 'merge' | null;
};

/** Postings are grouped by `operationId` (one operation = one plan). */
export type LedgerPostingRow = {
  operationId: string;
  fromAccountId: string;
  toAccountId: string;
  points: number;
  lotId?: string | null;
};

export type LedgerLotRow = Lot & { memberId: string; currency: string };

/** Missing rows mean no debt. */
export type LedgerDebtRow = { memberId: string; currency: string; debt: number };

export type LedgerInvariantInput = {
  accounts: readonly LedgerAccountRow[];
  postings: readonly LedgerPostingRow[];
  lots: readonly LedgerLotRow[];
  debts?: readonly LedgerDebtRow[];
  /** The program's refund policy; verify one program at a time. */
  policy: RefundPolicy;
};

export type LedgerProblemCode =
  | 'account_invalid'
  | 'posting_invalid'
  | 'operation_unbalanced'
  | 'balance_mismatch'
  | 'lot_invalid'
  | 'available_mismatch'
  | 'pending_mismatch'
  | 'debt_invalid'
  | 'negative_balance'
  | 'clearing_unbalanced'
  | 'forward_invalid';

export type LedgerProblem = {
  code: LedgerProblemCode;
  message: string;
  operationId?: string;
  accountId?: string;
  memberId?: string;
  currency?: string;
  lotId?: string;
};

const memberKey = (memberId: string, currency: string) => JSON.stringify([memberId, currency]);

/**
 * Everything `ledger verify` proves, as a list of problems (empty = healthy):
 * - postings: positive safe integers between two known, distinct accounts; lots they name exist;
 * - every operation nets to zero per currency (a posting across currencies would not);
 * - every cached balance equals the sum of its postings (to minus from);
 * - lots: 0 <= remaining <= amount, integers, unique ids;
 * - per member and currency: `available` = remaining of lots in the available bucket − debt, and
 *   `pending` = remaining of lots in the pending bucket. Lots past expiry that the expiry job has
 *   not reached yet still count: their points are still in the account until the expiry posting;
 * - pending never negative; available and debt only under the 'debt' policy;
 * - clearing accounts (`transfers`) sum to zero: every transfer passed through whole;
 * - a member whose points are forwarded to another member's accounts holds nothing itself.
 */
export function checkLedgerInvariants(input: LedgerInvariantInput): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const accounts = checkAccounts(input.accounts, problems);
  const lotIds = checkLots(input.lots, problems);
  const sums = checkPostings(input.postings, accounts, lotIds, problems);

  for (const account of input.accounts) {
    const sum = sums.get(account.accountId) ?? 0;
    if (account.balance !== null && account.balance !== sum) {
      problems.push({
        code: 'balance_mismatch',
        message: `account ${account.accountId} caches ${account.balance}, its postings sum to ${sum}`,
        accountId: account.accountId,
      });
    }
  }
  checkMembers(input, sums, problems);
  checkClearingAndForwards(input, sums, problems);
  return problems;
}

function checkAccounts(rows: readonly LedgerAccountRow[], problems: LedgerProblem[]) {
  const accounts = new Map<string, LedgerAccountRow>();
  const memberAccounts = new Set<string>();
  for (const account of rows) {
    const allowed: readonly string[] = account.memberId === null ? PROGRAM_ACCOUNTS : MEMBER_BUCKETS;
    const duplicateId = accounts.has(account.accountId);
    const memberSlot =
      account.memberId === null ? undefined : memberKey(account.memberId, account.currency) + account.name;
    const duplicateSlot = memberSlot !== undefined && memberAccounts.has(memberSlot);
    if (!allowed.includes(account.name) || duplicateId || duplicateSlot) {
      problems.push({
        code: 'account_invalid',
        message: `account ${account.accountId} (${account.name}) is ${duplicateId || duplicateSlot ? 'a duplicate' : 'not valid for its owner'}`,
        accountId: account.accountId,
      });
    }
    accounts.set(account.accountId, account);
    if (memberSlot !== undefined) memberAccounts.add(memberSlot);
  }
  return accounts;
}

function checkLots(lots: readonly LedgerLotRow[], problems: LedgerProblem[]): Set<string> {
  const ids = new Set<string>();
  for (const lot of lots) {
    const reasons: string[] = [];
    if (ids.has(lot.lotId)) reasons.push('duplicate id');
    if (!Number.isSafeInteger(lot.amount) || lot.amount <= 0) reasons.push(`amount ${lot.amount}`);
    if (!Number.isSafeInteger(lot.remaining) || lot.remaining < 0 || lot.remaining > lot.amount) {
      reasons.push(`remaining ${lot.remaining} outside 0..${lot.amount}`);
    }
    if (reasons.length > 0) {
      problems.push({
        code: 'lot_invalid',
        message: `lot ${lot.lotId}: ${reasons.join(', ')}`,
        lotId: lot.lotId,
        memberId: lot.memberId,
        currency: lot.currency,
      });
    }
    ids.add(lot.lotId);
  }
  return ids;
}

/** Validates postings and returns each account's balance by its postings. */
function checkPostings(
  postings: readonly LedgerPostingRow[],
  accounts: ReadonlyMap<string, LedgerAccountRow>,
  lotIds: ReadonlySet<string>,
  problems: LedgerProblem[],
): Map<string, number> {
  const sums = new Map<string, number>();
  const netByOperation = new Map<string, Map<string, number>>();
  for (const posting of postings) {
    const from = accounts.get(posting.fromAccountId);
    const to = accounts.get(posting.toAccountId);
    const reasons: string[] = [];
    if (!Number.isSafeInteger(posting.points) || posting.points <= 0)
      reasons.push(`points ${posting.points}`);
    if (from === undefined) reasons.push(`unknown account ${posting.fromAccountId}`);
    if (to === undefined) reasons.push(`unknown account ${posting.toAccountId}`);
    if (posting.fromAccountId === posting.toAccountId) reasons.push('from and to are the same account');
    if (posting.lotId != null && !lotIds.has(posting.lotId)) reasons.push(`unknown lot ${posting.lotId}`);
    if (reasons.length > 0) {
      problems.push({
        code: 'posting_invalid',
        message: `operation ${posting.operationId}: posting ${reasons.join(', ')}`,
        operationId: posting.operationId,
      });
    }
    sums.set(posting.fromAccountId, (sums.get(posting.fromAccountId) ?? 0) - posting.points);
    sums.set(posting.toAccountId, (sums.get(posting.toAccountId) ?? 0) + posting.points);

    let net = netByOperation.get(posting.operationId);
    if (net === undefined) {
      net = new Map();
      netByOperation.set(posting.operationId, net);
    }
    // Unknown accounts are already reported; counting them would add a second, misleading problem.
    if (from !== undefined && to !== undefined) {
      net.set(from.currency, (net.get(from.currency) ?? 0) - posting.points);
      net.set(to.currency, (net.get(to.currency) ?? 0) + posting.points);
    }
  }
  for (const [operationId, net] of netByOperation) {
    for (const [currency, sum] of net) {
      if (sum === 0) continue;
      problems.push({
        code: 'operation_unbalanced',
        message: `operation ${operationId} nets to ${sum} ${currency}`,
        operationId,
        currency,
      });
    }
  }
  return sums;
}

type MemberTotals = {
  memberId: string;
  currency: string;
  available: number;
  pending: number;
  lotsAvailable: number;
  lotsPending: number;
  debt: number;
};

function checkMembers(
  input: LedgerInvariantInput,
  sums: ReadonlyMap<string, number>,
  problems: LedgerProblem[],
) {
  const members = new Map<string, MemberTotals>();
  const totalsFor = (memberId: string, currency: string): MemberTotals => {
    const key = memberKey(memberId, currency);
    let totals = members.get(key);
    if (totals === undefined) {
      totals = { memberId, currency, available: 0, pending: 0, lotsAvailable: 0, lotsPending: 0, debt: 0 };
      members.set(key, totals);
    }
    return totals;
  };
  for (const account of input.accounts) {
    if (account.memberId === null) continue;
    const totals = totalsFor(account.memberId, account.currency);
    const sum = sums.get(account.accountId) ?? 0;
    if (account.name === 'available') totals.available = sum;
    if (account.name === 'pending') totals.pending = sum;
  }
  for (const lot of input.lots) {
    const totals = totalsFor(lot.memberId, lot.currency);
    if (lot.bucket === 'available') totals.lotsAvailable += lot.remaining;
    else totals.lotsPending += lot.remaining;
  }
  for (const row of input.debts ?? []) totalsFor(row.memberId, row.currency).debt += row.debt;

  for (const totals of members.values()) {
    const where = { memberId: totals.memberId, currency: totals.currency };
    const who = `member ${totals.memberId} (${totals.currency})`;
    if (!Number.isSafeInteger(totals.debt) || totals.debt < 0) {
      problems.push({ code: 'debt_invalid', message: `${who}: debt ${totals.debt}`, ...where });
    } else if (totals.debt > 0 && input.policy !== 'debt') {
      problems.push({
        code: 'debt_invalid',
        message: `${who}: debt ${totals.debt} under the '${input.policy}' policy`,
        ...where,
      });
    }
    if (totals.available !== totals.lotsAvailable - totals.debt) {
      problems.push({
        code: 'available_mismatch',
        message: `${who}: available ${totals.available}, lots hold ${totals.lotsAvailable}, debt ${totals.debt}`,
        ...where,
      });
    }
    if (totals.pending !== totals.lotsPending) {
      problems.push({
        code: 'pending_mismatch',
        message: `${who}: pending ${totals.pending}, pending lots hold ${totals.lotsPending}`,
        ...where,
      });
    }
    if (totals.pending < 0 || (totals.available < 0 && input.policy !== 'debt')) {
      problems.push({
        code: 'negative_balance',
        message: `${who}: available ${totals.available}, pending ${totals.pending} under the '${input.policy}' policy`,
        ...where,
      });
    }
  }
}
