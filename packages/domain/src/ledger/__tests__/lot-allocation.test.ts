import { describe, expect, it } from 'vitest';
import { allocateSpend, computeSpendablePoints } from '../lot-allocation';
import { compareLotsForSpend } from '../lot-order';
import { day, lot, memberState, T0 } from './ledger-factories';

describe('compareLotsForSpend', () => {
  it.each([
    ['earlier expiry first', lot({ lotId: 'b', expiresAt: day(5) }), lot({ lotId: 'a', expiresAt: day(6) })],
    ['expiring before never-expiring', lot({ lotId: 'b', expiresAt: day(500) }), lot({ lotId: 'a' })],
    [
      'older first on equal expiry',
      lot({ lotId: 'b', createdAt: day(-2) }),
      lot({ lotId: 'a', createdAt: day(-1) }),
    ],
    ['lotId breaks full ties', lot({ lotId: 'a' }), lot({ lotId: 'b' })],
    ['lotId by code units, not locale', lot({ lotId: 'Z' }), lot({ lotId: 'a' })],
  ])('%s', (_name, first, second) => {
    expect(compareLotsForSpend(first, second)).toBe(-1);
    expect(compareLotsForSpend(second, first)).toBe(1);
  });
});

describe('allocateSpend', () => {
  const lots = [
    lot({ lotId: 'never', amount: 50 }),
    lot({ lotId: 'late', amount: 30, expiresAt: day(20) }),
    lot({ lotId: 'soon', amount: 20, expiresAt: day(10) }),
  ];

  it.each([
    [10, [{ lotId: 'soon', points: 10 }]],
    [20, [{ lotId: 'soon', points: 20 }]],
    [
      45,
      [
        { lotId: 'soon', points: 20 },
        { lotId: 'late', points: 25 },
      ],
    ],
    [
      100,
      [
        { lotId: 'soon', points: 20 },
        { lotId: 'late', points: 30 },
        { lotId: 'never', points: 50 },
      ],
    ],
    [0, []],
  ])('spending %i takes %j', (points, expected) => {
    expect(allocateSpend(memberState(lots), points, T0)).toEqual({ ok: true, lots: expected });
  });

  it('reports insufficient points with what is available', () => {
    expect(allocateSpend(memberState(lots), 101, T0)).toEqual({
      ok: false,
      code: 'insufficient_points',
      available: 100,
    });
  });

  it.each([
    ['pending lots', lot({ lotId: 'x', bucket: 'pending', activatesAt: day(-1) })],
    ['lots past expiry before the expiry job ran', lot({ lotId: 'x', expiresAt: day(0) })],
    ['empty lots', lot({ lotId: 'x', remaining: 0 })],
  ])('skips %s', (_name, skipped) => {
    const state = memberState([skipped, lot({ lotId: 'y', amount: 10 })]);
    expect(allocateSpend(state, 10, T0)).toEqual({ ok: true, lots: [{ lotId: 'y', points: 10 }] });
    expect(allocateSpend(state, 11, T0)).toMatchObject({ ok: false, available: 10 });
  });

  it('takes only what is left in partly spent lots', () => {
    const state = memberState([
      lot({ lotId: 'a', amount: 10, remaining: 3 }),
      lot({ lotId: 'b', amount: 10 }),
    ]);
    expect(allocateSpend(state, 5, T0)).toEqual({
      ok: true,
      lots: [
        { lotId: 'a', points: 3 },
        { lotId: 'b', points: 2 },
      ],
    });
  });

  it('leaves points reserved by other holds alone', () => {
    const state = memberState(
      [lot({ lotId: 'a', amount: 10 }), lot({ lotId: 'b', amount: 10, createdAt: day(1) })],
      {
        holds: [{ holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'a', points: 8 }] }],
      },
    );
    expect(computeSpendablePoints(state, T0)).toBe(12);
    expect(allocateSpend(state, 12, T0)).toEqual({
      ok: true,
      lots: [
        { lotId: 'a', points: 2 },
        { lotId: 'b', points: 10 },
      ],
    });
    expect(allocateSpend(state, 13, T0)).toMatchObject({ ok: false, available: 12 });
  });

  it('ignores lapsed holds', () => {
    const state = memberState([lot({ lotId: 'a', amount: 10 })], {
      holds: [{ holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'a', points: 10 }] }],
    });
    expect(computeSpendablePoints(state, day(1))).toBe(10);
  });

  it('confirming a hold takes its own lots first, then others', () => {
    const state = memberState(
      [
        lot({ lotId: 'a', amount: 10, expiresAt: day(5) }),
        lot({ lotId: 'b', amount: 10, expiresAt: day(9) }),
      ],
      { holds: [{ holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'b', points: 4 }] }] },
    );
    expect(allocateSpend(state, 6, T0, { holdId: 'h1' })).toEqual({
      ok: true,
      lots: [
        { lotId: 'b', points: 4 },
        { lotId: 'a', points: 2 },
      ],
    });
  });

  it('counts debt against what can be spent', () => {
    expect(computeSpendablePoints(memberState([lot({ lotId: 'a', amount: 10 })], { debt: 4 }), T0)).toBe(6);
    expect(computeSpendablePoints(memberState([], { debt: 4 }), T0)).toBe(0);
  });

  it.each([-1, 1.5, Number.NaN])('rejects %s points', (points) => {
    expect(() => allocateSpend(memberState(lots), points, T0)).toThrow(RangeError);
  });
});
