import { describe, expect, it } from 'vitest';
import { applyLedgerPlan, computeAccountDeltas } from '../apply-ledger-plan';
import type { LedgerPlan } from '../ledger-types';
import { lot, memberState } from './ledger-factories';

const plan = (fields: Partial<LedgerPlan>): LedgerPlan => ({
  kind: 'spend',
  postings: [],
  newLots: [],
  lotChanges: [],
  activatedLotIds: [],
  debtDelta: 0,
  pointsWrittenOff: 0,
  consumedHoldId: null,
  ...fields,
});

describe('applyLedgerPlan', () => {
  const state = memberState(
    [lot({ lotId: 'a', amount: 10 }), lot({ lotId: 'p', amount: 5, bucket: 'pending' })],
    {
      debt: 2,
    },
  );

  it('applies new lots, lot changes, activations and debt', () => {
    const next = applyLedgerPlan(
      state,
      plan({
        newLots: [lot({ lotId: 'n', amount: 3 })],
        lotChanges: [{ lotId: 'a', delta: -4 }],
        activatedLotIds: ['p'],
        debtDelta: -2,
      }),
    );
    expect(next).toEqual({
      lots: [
        lot({ lotId: 'a', amount: 10, remaining: 6 }),
        lot({ lotId: 'p', amount: 5 }),
        lot({ lotId: 'n', amount: 3 }),
      ],
      debt: 0,
    });
  });

  it.each<[string, Partial<LedgerPlan>]>([
    ['remaining below zero', { lotChanges: [{ lotId: 'a', delta: -11 }] }],
    ['remaining above amount', { lotChanges: [{ lotId: 'a', delta: 1 }] }],
    ['an unknown lot', { lotChanges: [{ lotId: 'zz', delta: 1 }] }],
    ['activating an unknown lot', { activatedLotIds: ['zz'] }],
    ['a duplicate lot', { newLots: [lot({ lotId: 'a' })] }],
    ['negative debt', { debtDelta: -3 }],
  ])('rejects %s', (_name, fields) => {
    expect(() => applyLedgerPlan(state, plan(fields))).toThrow(RangeError);
  });
});

describe('computeAccountDeltas', () => {
  it('nets postings per account', () => {
    const deltas = computeAccountDeltas([
      { from: 'issued', to: 'available', points: 10 },
      { from: 'available', to: 'redeemed', points: 4 },
    ]);
    expect(Object.fromEntries(deltas)).toEqual({ issued: -10, available: 6, redeemed: 4 });
  });
});
