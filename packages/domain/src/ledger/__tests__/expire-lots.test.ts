import { describe, expect, it } from 'vitest';
import { applyLedgerPlan } from '../apply-ledger-plan';
import { planExpiry } from '../expire-lots';
import { day, lot, memberState } from './ledger-factories';

describe('planExpiry', () => {
  const state = memberState([
    lot({ lotId: 'gone', amount: 30, remaining: 12, expiresAt: day(10) }),
    lot({ lotId: 'edge', amount: 5, expiresAt: day(11) }),
    lot({ lotId: 'fresh', amount: 20, expiresAt: day(30) }),
    lot({ lotId: 'never', amount: 20 }),
    lot({ lotId: 'spent', amount: 20, remaining: 0, expiresAt: day(1) }),
    lot({ lotId: 'late-pending', amount: 8, bucket: 'pending', activatesAt: day(5), expiresAt: day(9) }),
  ]);

  it.each([
    [day(9.5), [{ from: 'pending', to: 'expired', points: 8, lotId: 'late-pending' }]],
    [
      day(11),
      [
        { from: 'available', to: 'expired', points: 12, lotId: 'gone' },
        { from: 'available', to: 'expired', points: 5, lotId: 'edge' },
        { from: 'pending', to: 'expired', points: 8, lotId: 'late-pending' },
      ],
    ],
    [day(0), []],
  ])('at %s expires only remaining of lots past expiry', (now, postings) => {
    expect(planExpiry(state, now).postings).toEqual(postings);
  });

  it('is idempotent per lot', () => {
    const once = applyLedgerPlan(state, planExpiry(state, day(11)));
    expect(planExpiry(once, day(11)).postings).toEqual([]);
    expect(planExpiry(once, day(12)).postings).toEqual([]);
  });

  it('limits a batch to the given lots', () => {
    expect(planExpiry(state, day(11), { lotIds: ['edge'] }).lotChanges).toEqual([
      { lotId: 'edge', delta: -5 },
    ]);
  });
});
