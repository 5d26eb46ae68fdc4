import { describe, expect, it } from 'vitest';
import { computeHeldPoints } from '../held-points';
import { placeHold, releaseHold } from '../points-holds';
import { planSpend } from '../spend-points';
import { day, lot, memberState, T0 } from './ledger-factories';

describe('holds', () => {
  const state = memberState([
    lot({ lotId: 'a', amount: 10, expiresAt: day(5) }),
    lot({ lotId: 'b', amount: 10, expiresAt: day(9) }),
  ]);

  it('placeHold reserves the lots a spend would take', () => {
    expect(placeHold(state, { holdId: 'h1', points: 15, expiresAt: day(0.01) }, T0)).toEqual({
      ok: true,
      hold: {
        holdId: 'h1',
        expiresAt: day(0.01),
        lots: [
          { lotId: 'a', points: 10 },
          { lotId: 'b', points: 5 },
        ],
      },
    });
  });

  it('holds stack and cannot overdraw', () => {
    const first = placeHold(state, { holdId: 'h1', points: 15, expiresAt: day(1) }, T0);
    if (!first.ok) throw new Error('expected ok');
    const withHold = { ...state, holds: [first.hold] };
    expect(placeHold(withHold, { holdId: 'h2', points: 6, expiresAt: day(1) }, T0)).toEqual({
      ok: false,
      code: 'insufficient_points',
      available: 5,
    });
    expect(placeHold(withHold, { holdId: 'h2', points: 5, expiresAt: day(1) }, T0)).toMatchObject({
      ok: true,
      hold: { lots: [{ lotId: 'b', points: 5 }] },
    });
    expect(() => placeHold(withHold, { holdId: 'h1', points: 1, expiresAt: day(1) }, T0)).toThrow(RangeError);
  });

  it('release frees the points; a lapsed hold frees them by itself', () => {
    const holds = [{ holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'a', points: 10 }] }];
    const held = { ...state, holds };
    expect(planSpend(held, { points: 20 }, T0)).toMatchObject({ ok: false, available: 10 });
    expect(planSpend(releaseHold(held, 'h1'), { points: 20 }, T0)).toMatchObject({ ok: true });
    expect(planSpend(held, { points: 20 }, day(1))).toMatchObject({ ok: true });
  });

  it('a hold whose lot lost its points still confirms from other lots', () => {
    const holds = [{ holdId: 'h1', expiresAt: day(10), lots: [{ lotId: 'a', points: 5 }] }];
    const result = planSpend({ ...state, holds }, { points: 5, holdId: 'h1' }, day(6));
    expect(result).toMatchObject({ ok: true, allocation: [{ lotId: 'b', points: 5 }] });
  });

  it('computeHeldPoints sums active holds per lot', () => {
    const holds = [
      { holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'a', points: 2 }] },
      {
        holdId: 'h2',
        expiresAt: day(2),
        lots: [
          { lotId: 'a', points: 3 },
          { lotId: 'b', points: 1 },
        ],
      },
    ];
    expect(Object.fromEntries(computeHeldPoints(holds, T0))).toEqual({ a: 5, b: 1 });
    expect(Object.fromEntries(computeHeldPoints(holds, day(1)))).toEqual({ a: 3, b: 1 });
    expect(Object.fromEntries(computeHeldPoints(holds, T0, 'h2'))).toEqual({ a: 2 });
  });
});
