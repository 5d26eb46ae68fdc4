import { describe, expect, it } from 'vitest';
import { applyLedgerPlan } from '../apply-ledger-plan';
import { planSpendReturn } from '../return-spend';
import { planSpend } from '../spend-points';
import { allocateSpendReturn } from '../spend-return-allocation';
import { day, lot, memberState, T0 } from './ledger-factories';

describe('planSpendReturn', () => {
  const before = memberState([
    lot({ lotId: 'a', amount: 30, expiresAt: day(10) }),
    lot({ lotId: 'b', amount: 50, expiresAt: day(20) }),
  ]);
  const spend = planSpend(before, { points: 40 }, T0);
  if (!spend.ok) throw new Error('expected ok');
  const after = applyLedgerPlan(before, spend.plan);

  it('a full return restores the exact lots', () => {
    const plan = planSpendReturn(after, { lots: spend.allocation }, day(1));
    expect(plan.postings).toEqual([
      { from: 'redeemed', to: 'available', points: 30, lotId: 'a' },
      { from: 'redeemed', to: 'available', points: 10, lotId: 'b' },
    ]);
    expect(applyLedgerPlan(after, plan)).toEqual(before);
  });

  it('a debt is repaid from the returned points first', () => {
    const inDebt = { ...after, debt: 35 };
    const plan = planSpendReturn(inDebt, { lots: spend.allocation }, day(1));
    expect(plan.postings.reduce((sum, posting) => sum + posting.points, 0)).toBe(40);
    expect(plan.debtDelta).toBe(-35);
    expect(plan.lotChanges).toEqual([{ lotId: 'b', delta: 5 }]);
  });

  it('points returned to a lot past expiry wait there for the expiry job and repay nothing', () => {
    const plan = planSpendReturn({ ...after, debt: 5 }, { lots: [{ lotId: 'a', points: 30 }] }, day(10));
    expect(plan.lotChanges).toEqual([{ lotId: 'a', delta: 30 }]);
    expect(plan.debtDelta).toBe(0);
  });

  it('rejects returns the lots cannot hold and unknown lots', () => {
    expect(() => planSpendReturn(after, { lots: [{ lotId: 'a', points: 31 }] }, T0)).toThrow(RangeError);
    expect(() => planSpendReturn(after, { lots: [{ lotId: 'zz', points: 1 }] }, T0)).toThrow(RangeError);
  });
});

describe('allocateSpendReturn', () => {
  const spent = [
    { lotId: 'a', points: 30 },
    { lotId: 'b', points: 10 },
  ];

  it.each([
    [40, [], spent],
    [
      20,
      [],
      [
        { lotId: 'a', points: 15 },
        { lotId: 'b', points: 5 },
      ],
    ],
    [1, [], [{ lotId: 'a', points: 1 }]],
    [2, [], [{ lotId: 'a', points: 2 }]],
    [
      3,
      [],
      [
        { lotId: 'a', points: 2 },
        { lotId: 'b', points: 1 },
      ],
    ],
    [10, [{ lotId: 'a', points: 30 }], [{ lotId: 'b', points: 10 }]],
    [0, [], []],
  ])('returning %i after %j gives %j', (points, returned, expected) => {
    expect(allocateSpendReturn({ spent, returned, points })).toEqual(expected);
  });

  it('a series of partial returns ends with every lot restored exactly', () => {
    const returned: { lotId: string; points: number }[] = [];
    for (const points of [7, 1, 13, 19]) returned.push(...allocateSpendReturn({ spent, returned, points }));
    const totals = new Map<string, number>();
    for (const entry of returned) totals.set(entry.lotId, (totals.get(entry.lotId) ?? 0) + entry.points);
    expect(Object.fromEntries(totals)).toEqual({ a: 30, b: 10 });
  });

  it('rejects returning more than is left', () => {
    expect(() => allocateSpendReturn({ spent, returned: [{ lotId: 'a', points: 30 }], points: 11 })).toThrow(
      RangeError,
    );
    expect(() => allocateSpendReturn({ spent, returned: [{ lotId: 'b', points: 11 }], points: 1 })).toThrow(
      RangeError,
    );
  });

  it('stays exact beyond 2^53 intermediate products', () => {
    const big = [
      { lotId: 'a', points: 3_000_000_000 },
      { lotId: 'b', points: 6_000_000_001 },
    ];
    const result = allocateSpendReturn({ spent: big, points: 4_000_000_000 });
    expect(result.reduce((sum, entry) => sum + entry.points, 0)).toBe(4_000_000_000);
    expect(result).toEqual([
      { lotId: 'a', points: 1_333_333_333 },
      { lotId: 'b', points: 2_666_666_667 },
    ]);
  });
});
