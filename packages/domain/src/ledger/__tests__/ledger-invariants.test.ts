import { describe, expect, it } from 'vitest';
import type {
  LedgerAccountRow,
  LedgerInvariantInput,
  LedgerLotRow,
  LedgerPostingRow,
} from '../ledger-invariants';
import { checkLedgerInvariants } from '../ledger-invariants';
import { lot } from './ledger-factories';

const account = (
  accountId: string,
  name: LedgerAccountRow['name'],
  balance: number | null,
  memberId?: string,
) => ({
  accountId,
  currency: 'points',
  memberId: memberId ?? null,
  name,
  balance,
});

// A healthy ledger: member m1 earned 50 (available) and 20 (pending), spent 15.
const healthy: LedgerInvariantInput = {
  policy: 'clamp',
  accounts: [
    account('avail', 'available', 35, 'm1'),
    account('pend', 'pending', 20, 'm1'),
    account('issued', 'issued', -70),
    account('redeemed', 'redeemed', null),
    account('expired', 'expired', null),
  ],
  postings: [
    { operationId: 'op1', fromAccountId: 'issued', toAccountId: 'avail', points: 50, lotId: 'l1' },
    { operationId: 'op2', fromAccountId: 'issued', toAccountId: 'pend', points: 20, lotId: 'l2' },
    { operationId: 'op3', fromAccountId: 'avail', toAccountId: 'redeemed', points: 15, lotId: 'l1' },
  ],
  lots: [
    { ...lot({ lotId: 'l1', amount: 50, remaining: 35 }), memberId: 'm1', currency: 'points' },
    { ...lot({ lotId: 'l2', amount: 20, bucket: 'pending' }), memberId: 'm1', currency: 'points' },
  ],
};

const withPostings = (postings: LedgerPostingRow[]) => ({
  ...healthy,
  postings: [...healthy.postings, ...postings],
});
const withLots = (lots: LedgerLotRow[]) => ({ ...healthy, lots });
// The same member after a revocation of 40 points: 35 taken from l1, 5 became debt.
const inDebt: LedgerInvariantInput = {
  ...withPostings([{ operationId: 'op4', fromAccountId: 'avail', toAccountId: 'issued', points: 40 }]),
  accounts: healthy.accounts.map((a) =>
    a.accountId === 'avail' ? { ...a, balance: -5 } : a.accountId === 'issued' ? { ...a, balance: -30 } : a,
  ),
  lots: healthy.lots.map((l) => (l.lotId === 'l1' ? { ...l, remaining: 0 } : l)),
  debts: [{ memberId: 'm1', currency: 'points', debt: 5 }],
};
const codes = (input: LedgerInvariantInput) => checkLedgerInvariants(input).map((problem) => problem.code);

describe('checkLedgerInvariants', () => {
  it('finds nothing wrong with a healthy ledger', () => {
    expect(checkLedgerInvariants(healthy)).toEqual([]);
  });

  it.each<[string, LedgerInvariantInput, string[]]>([
    [
      'a cached balance that differs from its postings',
      {
        ...healthy,
        accounts: healthy.accounts.map((a) => (a.accountId === 'issued' ? { ...a, balance: -69 } : a)),
      },
      ['balance_mismatch'],
    ],
    [
      'a posting of zero points',
      withPostings([{ operationId: 'op4', fromAccountId: 'expired', toAccountId: 'redeemed', points: 0 }]),
      ['posting_invalid'],
    ],
    [
      'a posting to an unknown account',
      withPostings([{ operationId: 'op4', fromAccountId: 'redeemed', toAccountId: 'nowhere', points: 1 }]),
      ['posting_invalid'],
    ],
    [
      'a posting naming an unknown lot',
      withPostings([
        { operationId: 'op4', fromAccountId: 'redeemed', toAccountId: 'expired', points: 1, lotId: 'x' },
      ]),
      ['posting_invalid'],
    ],
    [
      'a posting between currencies',
      {
        ...withPostings([
          { operationId: 'op4', fromAccountId: 'redeemed', toAccountId: 'stamps', points: 1 },
        ]),
        accounts: [...healthy.accounts, { ...account('stamps', 'issued', null), currency: 'stamps' }],
      },
      ['operation_unbalanced', 'operation_unbalanced'],
    ],
    [
      'lots that do not match the available account',
      withLots(healthy.lots.map((l) => (l.lotId === 'l1' ? { ...l, remaining: 36 } : l))),
      ['available_mismatch'],
    ],
    [
      'lots that do not match the pending account',
      withLots(healthy.lots.map((l) => (l.lotId === 'l2' ? { ...l, bucket: 'available' as const } : l))),
      ['available_mismatch', 'pending_mismatch'],
    ],
    [
      'a lot with remaining above amount',
      withLots(healthy.lots.map((l) => (l.lotId === 'l2' ? { ...l, amount: 19 } : l))),
      ['lot_invalid'],
    ],
    [
      'a duplicate lot id',
      withLots([...healthy.lots, healthy.lots[1]!]),
      ['lot_invalid', 'pending_mismatch'],
    ],
    [
      'a member account with a program name',
      { ...healthy, accounts: [...healthy.accounts, account('odd', 'issued', 0, 'm2')] },
      ['account_invalid'],
    ],
    ['debt under the clamp policy', inDebt, ['debt_invalid', 'negative_balance']],
  ])('reports %s', (_name, input, expected) => {
    expect(codes(input)).toEqual(expected);
  });

  it('accepts the same debt under the debt policy', () => {
    expect(checkLedgerInvariants({ ...inDebt, policy: 'debt' })).toEqual([]);
  });

  it('reports lots without any account', () => {
    const problems = checkLedgerInvariants({
      policy: 'debt',
      accounts: [],
      postings: [],
      lots: [{ ...lot({ lotId: 'l9', amount: 3 }), memberId: 'm9', currency: 'points' }],
    });
    expect(problems).toEqual([
      {
        code: 'available_mismatch',
        message: 'member m9 (points): available 0, lots hold 3, debt 0',
        memberId: 'm9',
        currency: 'points',
      },
    ]);
  });
});
