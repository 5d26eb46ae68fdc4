import { describe, expect, it } from 'vitest';
import { computeAccountDeltas } from '../apply-ledger-plan';
import { checkLedgerInvariants, type LedgerInvariantInput } from '../ledger-invariants';
import { planWalletTransfer } from '../transfer-wallet';
import { day, lot, memberState, T0 } from './ledger-factories';

const sumOf = (state: { lots: readonly { remaining: number; bucket: string }[] }, bucket: string) =>
  state.lots.filter((l) => l.bucket === bucket).reduce((n, l) => n + l.remaining, 0);

describe('planWalletTransfer', () => {
  it('moves every lot with points, keeping ids and dates, through the clearing account', () => {
    const source = memberState([
      lot({ lotId: 's1', amount: 100, remaining: 60, expiresAt: day(30) }),
      lot({ lotId: 's2', amount: 40, bucket: 'pending', activatesAt: day(14), expiresAt: day(400) }),
      lot({ lotId: 's3', amount: 10, remaining: 0 }),
    ]);
    const target = memberState([lot({ lotId: 't1', amount: 25 })]);
    const plan = planWalletTransfer(source, target, T0);

    expect(plan.sourcePostings).toEqual([
      { from: 'available', to: 'transfers', points: 60, lotId: 's1' },
      { from: 'pending', to: 'transfers', points: 40, lotId: 's2' },
    ]);
    expect(plan.targetPostings).toEqual([
      { from: 'transfers', to: 'available', points: 60, lotId: 's1' },
      { from: 'transfers', to: 'pending', points: 40, lotId: 's2' },
    ]);
    expect(plan.movedLots.map((l) => [l.lotId, l.remaining, l.expiresAt, l.activatesAt])).toEqual([
      ['s1', 60, day(30), T0],
      ['s2', 40, day(400), day(14)],
    ]);
    expect(plan.moved).toEqual({ available: 60, pending: 40, debt: 0, lots: 2 });
    expect(plan.repayments).toEqual([]);
    expect(sumOf(plan.target, 'available')).toBe(85);
    expect(sumOf(plan.target, 'pending')).toBe(40);
    // Each side nets to zero against the clearing account together.
    const net = computeAccountDeltas([...plan.sourcePostings, ...plan.targetPostings]);
    expect(net.get('transfers')).toBe(0);
  });

  it("moves the source's debt and repays it from the target's spendable points", () => {
    const source = memberState([], { debt: 30 });
    const target = memberState([
      lot({ lotId: 't1', amount: 20, expiresAt: day(10) }),
      lot({ lotId: 't2', amount: 50, expiresAt: day(90) }),
    ]);
    const plan = planWalletTransfer(source, target, T0);
    expect(plan.sourcePostings).toEqual([{ from: 'transfers', to: 'available', points: 30 }]);
    expect(plan.targetPostings).toEqual([{ from: 'available', to: 'transfers', points: 30 }]);
    // Soonest-expiring points repay first.
    expect(plan.repayments).toEqual([
      { lotId: 't1', points: 20 },
      { lotId: 't2', points: 10 },
    ]);
    expect(plan.target.debt).toBe(0);
    expect(sumOf(plan.target, 'available')).toBe(40);
  });

  it("repays the target's debt from the moved points, but not from pending or expired ones", () => {
    const source = memberState([
      lot({ lotId: 's1', amount: 10, expiresAt: day(-1) }),
      lot({ lotId: 's2', amount: 10, bucket: 'pending', activatesAt: day(3) }),
      lot({ lotId: 's3', amount: 15 }),
    ]);
    const plan = planWalletTransfer(source, memberState([], { debt: 20 }), T0);
    expect(plan.repayments).toEqual([{ lotId: 's3', points: 15 }]);
    expect(plan.target.debt).toBe(5);
    expect(plan.movedLots.find((l) => l.lotId === 's3')?.remaining).toBe(0);
  });

  it('plans nothing for an empty wallet', () => {
    const plan = planWalletTransfer(memberState([]), memberState([lot({ lotId: 't1' })]), T0);
    expect(plan.sourcePostings).toEqual([]);
    expect(plan.targetPostings).toEqual([]);
    expect(plan.moved).toEqual({ available: 0, pending: 0, debt: 0, lots: 0 });
  });
});

describe('ledger invariants of transfers', () => {
  const lots = [{ ...lot({ lotId: 'l1', amount: 50 }), memberId: 'm2', currency: 'points' }];
  const base: LedgerInvariantInput = {
    policy: 'clamp',
    accounts: [
      {
        accountId: 'a1',
        currency: 'points',
        memberId: 'm1',
        name: 'available',
        balance: 0,
        forwardedTo: 'm2',
      },
      { accountId: 'a2', currency: 'points', memberId: 'm2', name: 'available', balance: 50 },
      { accountId: 'iss', currency: 'points', memberId: null, name: 'issued', balance: null },
      { accountId: 'tr', currency: 'points', memberId: null, name: 'transfers', balance: null },
    ],
    postings: [
      { operationId: 'op1', fromAccountId: 'iss', toAccountId: 'a1', points: 50, lotId: 'l1' },
      { operationId: 'op2', fromAccountId: 'a1', toAccountId: 'tr', points: 50, lotId: 'l1' },
      { operationId: 'op2', fromAccountId: 'tr', toAccountId: 'a2', points: 50, lotId: 'l1' },
    ],
    lots,
  };
  const codes = (input: LedgerInvariantInput) => checkLedgerInvariants(input).map((p) => p.code);

  it('accepts a completed transfer', () => {
    expect(codes(base)).toEqual([]);
  });

  it('reports a transfer that stopped in the clearing account', () => {
    const half = { ...base, postings: base.postings.slice(0, 2) };
    expect(codes(half)).toContain('clearing_unbalanced');
  });

  it('reports a forward without a reason, and a reason without a forward', () => {
    const withReasons = (reasons: Record<string, 'household' | 'merge' | null>): LedgerInvariantInput => ({
      ...base,
      accounts: base.accounts.map((a) =>
        a.accountId in reasons ? { ...a, forwardReason: reasons[a.accountId] } : a,
      ),
    });
    expect(codes(withReasons({ a1: 'merge', a2: null }))).toEqual([]);
    expect(codes(withReasons({ a1: null }))).toEqual(['forward_invalid']);
    expect(codes(withReasons({ a2: 'household' }))).toEqual(['forward_invalid']);
  });

  it('reports a forwarded member that still holds points', () => {
    const input: LedgerInvariantInput = {
      ...base,
      accounts: base.accounts.map((a) => (a.accountId === 'a2' ? { ...a, forwardedTo: 'm3' } : a)),
    };
    expect(codes(input)).toEqual(['forward_invalid']);
  });
});
