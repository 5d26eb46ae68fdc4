import { describe, expect, it } from 'vitest';
import { applyLedgerPlan } from '../apply-ledger-plan';
import type { RefundPolicy } from '../ledger-types';
import { planRevocation } from '../revoke-accrual';
import { day, lot, memberState, remainingById, T0 } from './ledger-factories';

describe('planRevocation', () => {
  // 'earned' is the refunded receipt's accrual; 'other' and 'older' are other available points.
  const base = (earnedRemaining: number, bucket: 'available' | 'pending' = 'available') =>
    memberState([
      lot({ lotId: 'earned', amount: 40, remaining: earnedRemaining, bucket, expiresAt: day(30) }),
      lot({ lotId: 'other', amount: 20, expiresAt: day(60) }),
      lot({ lotId: 'older', amount: 5, expiresAt: day(10) }),
      lot({ lotId: 'pending', amount: 50, bucket: 'pending', activatesAt: day(7) }),
    ]);

  it.each<[string, number, number, RefundPolicy, Record<string, number>, number, number]>([
    ['all from its own lot', 40, 40, 'clamp', { earned: 0, other: 20, older: 5, pending: 50 }, 0, 0],
    ['part of the accrual', 40, 10, 'clamp', { earned: 30, other: 20, older: 5, pending: 50 }, 0, 0],
    ['then other lots in spend order', 10, 40, 'clamp', { earned: 0, other: 0, older: 0, pending: 50 }, 0, 5],
    [
      'spent points become debt under debt',
      10,
      40,
      'debt',
      { earned: 0, other: 0, older: 0, pending: 50 },
      5,
      0,
    ],
    [
      'other lots first, even under debt',
      20,
      30,
      'debt',
      { earned: 0, other: 15, older: 0, pending: 50 },
      0,
      0,
    ],
  ])('%s', (_name, earnedRemaining, points, policy, remaining, debtDelta, writtenOff) => {
    const state = base(earnedRemaining);
    const plan = planRevocation(state, { lotId: 'earned', points, policy }, T0);
    expect(remainingById(applyLedgerPlan(state, plan))).toEqual(remaining);
    expect(plan.debtDelta).toBe(debtDelta);
    expect(plan.pointsWrittenOff).toBe(writtenOff);
    const revokedIntoIssued = plan.postings
      .filter((posting) => posting.to === 'issued')
      .reduce((sum, posting) => sum + posting.points, 0);
    expect(revokedIntoIssued).toBe(points);
  });

  it('posts each source separately', () => {
    const plan = planRevocation(base(10), { lotId: 'earned', points: 40, policy: 'clamp' }, T0);
    expect(plan.postings).toEqual([
      { from: 'available', to: 'issued', points: 10, lotId: 'earned' },
      { from: 'available', to: 'issued', points: 5, lotId: 'older' },
      { from: 'available', to: 'issued', points: 20, lotId: 'other' },
      { from: 'written_off', to: 'issued', points: 5 },
    ]);
  });

  it('debt is an unattributed available -> issued posting', () => {
    const plan = planRevocation(base(10), { lotId: 'earned', points: 40, policy: 'debt' }, T0);
    expect(plan.postings.at(-1)).toEqual({ from: 'available', to: 'issued', points: 5 });
  });

  it('revokes a pending accrual from pending', () => {
    const plan = planRevocation(base(40, 'pending'), { lotId: 'earned', points: 25, policy: 'clamp' }, T0);
    expect(plan.postings).toEqual([{ from: 'pending', to: 'issued', points: 25, lotId: 'earned' }]);
  });

  it('takes its own lot past expiry but not other lots past expiry', () => {
    const state = memberState([
      lot({ lotId: 'earned', amount: 40, remaining: 10, expiresAt: day(1) }),
      lot({ lotId: 'stale', amount: 20, expiresAt: day(1) }),
    ]);
    const plan = planRevocation(state, { lotId: 'earned', points: 40, policy: 'clamp' }, day(2));
    expect(plan.lotChanges).toEqual([{ lotId: 'earned', delta: -10 }]);
    expect(plan.pointsWrittenOff).toBe(30);
  });

  it('ignores holds', () => {
    const state = memberState([lot({ lotId: 'earned', amount: 40 })], {
      holds: [{ holdId: 'h', expiresAt: day(1), lots: [{ lotId: 'earned', points: 40 }] }],
    });
    expect(planRevocation(state, { lotId: 'earned', points: 40, policy: 'clamp' }, T0).lotChanges).toEqual([
      { lotId: 'earned', delta: -40 },
    ]);
  });

  it('rejects revoking more than was earned, and unknown lots', () => {
    expect(() => planRevocation(base(40), { lotId: 'earned', points: 41, policy: 'debt' }, T0)).toThrow(
      RangeError,
    );
    expect(() => planRevocation(base(40), { lotId: 'nope', points: 1, policy: 'debt' }, T0)).toThrow(
      RangeError,
    );
  });

  it('plans nothing for zero points', () => {
    expect(planRevocation(base(40), { lotId: 'earned', points: 0, policy: 'debt' }, T0).postings).toEqual([]);
  });
});

describe('planRevocation of points that already expired', () => {
  it('takes the expired part from the expiry, not from the member', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const state = {
      lots: [
        lot({ lotId: 'earned', amount: 10, remaining: 0 }),
        lot({ lotId: 'other', amount: 50, remaining: 50 }),
      ],
      debt: 0,
    };
    const plan = planRevocation(
      state,
      { lotId: 'earned', points: 10, policy: 'debt', expiredFromLot: 6 },
      now,
    );
    expect(plan.postings).toEqual([
      { from: 'expired', to: 'issued', points: 6, lotId: 'earned' },
      { from: 'available', to: 'issued', points: 4, lotId: 'other' },
    ]);
    expect(plan.debtDelta).toBe(0);
  });
});
