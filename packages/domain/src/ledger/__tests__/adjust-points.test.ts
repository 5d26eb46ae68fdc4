import { describe, expect, it } from 'vitest';
import { planAdjustment } from '../adjust-points';
import { day, lot, memberState, T0 } from './ledger-factories';

describe('planAdjustment', () => {
  const state = memberState([
    lot({ lotId: 'a', amount: 10, expiresAt: day(5) }),
    lot({ lotId: 'b', amount: 10, expiresAt: day(9) }),
  ]);

  it('a positive adjustment creates an active lot', () => {
    const result = planAdjustment(state, { points: 25, lotId: 'adj', expiresAt: day(90) }, T0);
    expect(result).toMatchObject({
      ok: true,
      plan: {
        kind: 'adjust',
        postings: [{ from: 'adjustments', to: 'available', points: 25, lotId: 'adj' }],
        newLots: [lot({ lotId: 'adj', amount: 25, expiresAt: day(90) })],
      },
    });
  });

  it('a positive adjustment repays debt first', () => {
    const result = planAdjustment({ ...state, debt: 30 }, { points: 25, lotId: 'adj', expiresAt: null }, T0);
    expect(result).toMatchObject({
      ok: true,
      plan: { debtDelta: -25, newLots: [{ amount: 25, remaining: 0 }] },
    });
  });

  it('a negative adjustment is taken like a spend', () => {
    const result = planAdjustment(state, { points: -15, lotId: 'unused', expiresAt: null }, T0);
    expect(result).toMatchObject({
      ok: true,
      plan: {
        postings: [
          { from: 'available', to: 'adjustments', points: 10, lotId: 'a' },
          { from: 'available', to: 'adjustments', points: 5, lotId: 'b' },
        ],
        newLots: [],
      },
    });
  });

  it.each([
    ['beyond the balance', state, T0, 20],
    ['beyond what has not expired', state, day(5), 10],
    ['under debt', { ...state, lots: [], debt: 3 }, T0, 0],
  ])('a negative adjustment %s is insufficient_points', (_name, current, now, available) => {
    expect(planAdjustment(current, { points: -21, lotId: 'x', expiresAt: null }, now)).toEqual({
      ok: false,
      code: 'insufficient_points',
      available,
    });
  });

  it('zero adjusts nothing; fractions are rejected', () => {
    expect(planAdjustment(state, { points: 0, lotId: 'x', expiresAt: null }, T0)).toMatchObject({
      ok: true,
      plan: { postings: [], newLots: [] },
    });
    expect(() => planAdjustment(state, { points: 0.5, lotId: 'x', expiresAt: null }, T0)).toThrow(RangeError);
  });
});
