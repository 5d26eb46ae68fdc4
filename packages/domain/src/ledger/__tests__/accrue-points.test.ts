import { describe, expect, it } from 'vitest';
import { planAccrual } from '../accrue-points';
import { day, lot, memberState, T0 } from './ledger-factories';

describe('planAccrual', () => {
  it('creates an available lot at once when active', () => {
    const plan = planAccrual(
      memberState([]),
      { lotId: 'l1', points: 40, activatesAt: T0, expiresAt: day(30) },
      T0,
    );
    expect(plan).toEqual({
      kind: 'accrue',
      postings: [{ from: 'issued', to: 'available', points: 40, lotId: 'l1' }],
      newLots: [
        lot({
          lotId: 'l1',
          amount: 40,
          remaining: 40,
          bucket: 'available',
          activatesAt: T0,
          expiresAt: day(30),
        }),
      ],
      lotChanges: [],
      activatedLotIds: [],
      debtDelta: 0,
      pointsWrittenOff: 0,
      consumedHoldId: null,
    });
  });

  it('creates a pending lot when activation is later', () => {
    const plan = planAccrual(
      memberState([]),
      { lotId: 'l1', points: 40, activatesAt: day(14), expiresAt: null },
      T0,
    );
    expect(plan.postings).toEqual([{ from: 'issued', to: 'pending', points: 40, lotId: 'l1' }]);
    expect(plan.newLots).toEqual([lot({ lotId: 'l1', amount: 40, bucket: 'pending', activatesAt: day(14) })]);
  });

  it.each([
    ['available, debt smaller', T0, 15, 25, -15],
    ['available, debt larger', T0, 60, 0, -40],
    ['pending does not repay yet', day(1), 15, 40, 0],
  ])('%s', (_name, activatesAt, debt, remaining, debtDelta) => {
    const plan = planAccrual(
      memberState([], { debt }),
      { lotId: 'l1', points: 40, activatesAt, expiresAt: null },
      T0,
    );
    expect(plan.postings).toHaveLength(1);
    expect(plan.postings[0]?.points).toBe(40);
    expect(plan.newLots[0]).toMatchObject({ amount: 40, remaining });
    expect(plan.debtDelta).toBe(debtDelta);
  });

  it('plans nothing for zero points', () => {
    const plan = planAccrual(
      memberState([]),
      { lotId: 'l1', points: 0, activatesAt: T0, expiresAt: null },
      T0,
    );
    expect(plan.postings).toEqual([]);
    expect(plan.newLots).toEqual([]);
  });

  it('rejects a duplicate lot id and invalid points', () => {
    const state = memberState([lot({ lotId: 'l1' })]);
    expect(() =>
      planAccrual(state, { lotId: 'l1', points: 1, activatesAt: T0, expiresAt: null }, T0),
    ).toThrow(RangeError);
    expect(() =>
      planAccrual(state, { lotId: 'l2', points: 1.5, activatesAt: T0, expiresAt: null }, T0),
    ).toThrow(RangeError);
  });
});
