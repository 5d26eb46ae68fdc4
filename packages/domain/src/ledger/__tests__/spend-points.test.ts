import { describe, expect, it } from 'vitest';
import { applyLedgerPlan } from '../apply-ledger-plan';
import { planSpend } from '../spend-points';
import { day, lot, memberState, remainingById, T0 } from './ledger-factories';

describe('planSpend', () => {
  const state = memberState([
    lot({ lotId: 'a', amount: 30, expiresAt: day(10) }),
    lot({ lotId: 'b', amount: 50, expiresAt: day(20) }),
  ]);

  it('posts available -> redeemed per lot and reports the allocation', () => {
    const result = planSpend(state, { points: 40 }, T0);
    expect(result).toMatchObject({
      ok: true,
      allocation: [
        { lotId: 'a', points: 30 },
        { lotId: 'b', points: 10 },
      ],
      plan: {
        kind: 'spend',
        postings: [
          { from: 'available', to: 'redeemed', points: 30, lotId: 'a' },
          { from: 'available', to: 'redeemed', points: 10, lotId: 'b' },
        ],
        lotChanges: [
          { lotId: 'a', delta: -30 },
          { lotId: 'b', delta: -10 },
        ],
        debtDelta: 0,
        consumedHoldId: null,
      },
    });
    if (!result.ok) throw new Error('expected ok');
    expect(remainingById(applyLedgerPlan(state, result.plan))).toEqual({ a: 0, b: 40 });
  });

  it.each([
    ['more than the balance', T0, 81, 80],
    ['points past expiry before the job ran', day(10), 51, 50],
    ['everything after expiry', day(20), 1, 0],
  ])('refuses %s', (_name, now, points, available) => {
    expect(planSpend(state, { points }, now)).toEqual({ ok: false, code: 'insufficient_points', available });
  });

  it('spends nothing for zero points', () => {
    expect(planSpend(state, { points: 0 }, T0)).toMatchObject({ ok: true, plan: { postings: [] } });
  });

  it('confirming a hold consumes it', () => {
    const held = memberState(state.lots, {
      holds: [{ holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'b', points: 20 }] }],
    });
    const result = planSpend(held, { points: 20, holdId: 'h1' }, T0);
    expect(result).toMatchObject({ ok: true, allocation: [{ lotId: 'b', points: 20 }] });
    if (!result.ok) throw new Error('expected ok');
    expect(result.plan.consumedHoldId).toBe('h1');
    expect(applyLedgerPlan(held, result.plan).holds).toEqual([]);
  });

  it('a hold blocks other spends from its points', () => {
    const held = memberState(state.lots, {
      holds: [{ holdId: 'h1', expiresAt: day(1), lots: [{ lotId: 'b', points: 50 }] }],
    });
    expect(planSpend(held, { points: 31 }, T0)).toMatchObject({ ok: false, available: 30 });
    expect(planSpend(held, { points: 31 }, day(1))).toMatchObject({ ok: true });
  });
});
