import { describe, expect, it } from 'vitest';
import { planActivation } from '../activate-lots';
import { day, lot, memberState } from './ledger-factories';

describe('planActivation', () => {
  const lots = [
    lot({ lotId: 'due', amount: 30, bucket: 'pending', activatesAt: day(1), expiresAt: day(40) }),
    lot({ lotId: 'due-early', amount: 20, bucket: 'pending', activatesAt: day(0.5), expiresAt: day(30) }),
    lot({ lotId: 'later', amount: 50, bucket: 'pending', activatesAt: day(3) }),
    lot({ lotId: 'active', amount: 10, bucket: 'available' }),
  ];

  it('moves due pending lots to available', () => {
    const plan = planActivation(memberState(lots), day(1));
    expect(plan.postings).toEqual([
      { from: 'pending', to: 'available', points: 30, lotId: 'due' },
      { from: 'pending', to: 'available', points: 20, lotId: 'due-early' },
    ]);
    expect(plan.activatedLotIds).toEqual(['due', 'due-early']);
    expect(plan.lotChanges).toEqual([]);
    expect(plan.debtDelta).toBe(0);
  });

  it('is idempotent: nothing is due once activated', () => {
    const activated = lots.map((entry) =>
      entry.lotId === 'later' ? entry : { ...entry, bucket: 'available' as const },
    );
    expect(planActivation(memberState(activated), day(2)).postings).toEqual([]);
  });

  it.each([
    [10, [{ lotId: 'due-early', delta: -10 }], -10],
    [
      35,
      [
        { lotId: 'due-early', delta: -20 },
        { lotId: 'due', delta: -15 },
      ],
      -35,
    ],
    [
      80,
      [
        { lotId: 'due-early', delta: -20 },
        { lotId: 'due', delta: -30 },
      ],
      -50,
    ],
  ])('debt %i is repaid first, soonest-expiring lot first', (debt, lotChanges, debtDelta) => {
    const plan = planActivation(memberState(lots, { debt }), day(1));
    expect(plan.postings.reduce((sum, posting) => sum + posting.points, 0)).toBe(50);
    expect(plan.lotChanges).toEqual(lotChanges);
    expect(plan.debtDelta).toBe(debtDelta);
  });

  it('marks an emptied pending lot activated without a posting', () => {
    const plan = planActivation(
      memberState([lot({ lotId: 'gone', amount: 30, remaining: 0, bucket: 'pending', activatesAt: day(1) })]),
      day(1),
    );
    expect(plan.postings).toEqual([]);
    expect(plan.activatedLotIds).toEqual(['gone']);
  });

  it('does not repay debt from a lot already past expiry', () => {
    const plan = planActivation(
      memberState(
        [lot({ lotId: 'stale', amount: 30, bucket: 'pending', activatesAt: day(1), expiresAt: day(2) })],
        {
          debt: 10,
        },
      ),
      day(3),
    );
    expect(plan.activatedLotIds).toEqual(['stale']);
    expect(plan.debtDelta).toBe(0);
  });

  it('limits a batch to the given lots', () => {
    expect(planActivation(memberState(lots), day(5), { lotIds: ['later'] }).activatedLotIds).toEqual([
      'later',
    ]);
  });
});
