import type { LedgerInvariantInput, LedgerProblem } from './ledger-invariants';
import { CLEARING_ACCOUNTS } from './ledger-types';

const memberKey = (memberId: string, currency: string) => JSON.stringify([memberId, currency]);

/**
 * Transfers between members (household pooling, merges): the clearing account nets to zero, and a
 * member whose points are forwarded to another member's accounts holds nothing itself.
 */
export function checkClearingAndForwards(
  input: LedgerInvariantInput,
  sums: ReadonlyMap<string, number>,
  problems: LedgerProblem[],
) {
  const openLots = new Set(
    input.lots.filter((lot) => lot.remaining > 0).map((lot) => memberKey(lot.memberId, lot.currency)),
  );
  const debtors = new Set(
    (input.debts ?? []).filter((d) => d.debt > 0).map((d) => memberKey(d.memberId, d.currency)),
  );
  for (const account of input.accounts) {
    const sum = sums.get(account.accountId) ?? 0;
    if (account.memberId === null) {
      if ((CLEARING_ACCOUNTS as readonly string[]).includes(account.name) && sum !== 0) {
        problems.push({
          code: 'clearing_unbalanced',
          message: `clearing account ${account.accountId} (${account.name}) holds ${sum} ${account.currency}`,
          accountId: account.accountId,
          currency: account.currency,
        });
      }
      continue;
    }
    if (
      account.forwardReason !== undefined &&
      Boolean(account.forwardedTo) !== (account.forwardReason !== null)
    ) {
      // A forward must say why (a till racing a merge reads it), and a reason needs a forward.
      problems.push({
        code: 'forward_invalid',
        message: account.forwardedTo
          ? `member ${account.memberId} (${account.currency}) forwards to ${account.forwardedTo} without a reason`
          : `member ${account.memberId} (${account.currency}) has a forward reason but forwards nowhere`,
        accountId: account.accountId,
        memberId: account.memberId,
        currency: account.currency,
      });
    }
    if (!account.forwardedTo) continue;
    const key = memberKey(account.memberId, account.currency);
    if (sum !== 0 || openLots.has(key) || debtors.has(key)) {
      problems.push({
        code: 'forward_invalid',
        message: `member ${account.memberId} (${account.currency}) forwards to ${account.forwardedTo} but still holds points, lots or debt`,
        accountId: account.accountId,
        memberId: account.memberId,
        currency: account.currency,
      });
    }
  }
}
