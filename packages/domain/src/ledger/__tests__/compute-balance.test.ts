import { describe, expect, it } from 'vitest';
import { computeBalance } from '../compute-balance';
import { day, lot, T0 } from './ledger-factories';

describe('computeBalance', () => {
  const lots = [
    lot({ lotId: 'a', amount: 30, remaining: 10, expiresAt: day(20) }),
    lot({ lotId: 'b', amount: 5, expiresAt: day(10) }),
    lot({ lotId: 'c', amount: 7, expiresAt: day(10) }),
    lot({ lotId: 'never', amount: 100 }),
    lot({ lotId: 'pending', amount: 40, bucket: 'pending', activatesAt: day(3), expiresAt: day(33) }),
    lot({ lotId: 'stale', amount: 9, expiresAt: day(-1) }),
  ];

  it('folds lots into available, pending and expiring by date', () => {
    expect(computeBalance(lots, 0, T0)).toEqual({
      available: 122,
      pending: 40,
      expiring: [
        { points: 12, expiresAt: day(10) },
        { points: 10, expiresAt: day(20) },
      ],
    });
  });

  it('drops points at their expiry instant even before the expiry job', () => {
    expect(computeBalance(lots, 0, day(10))).toMatchObject({ available: 110, expiring: [{ points: 10 }] });
  });

  it('keeps pending until the activation job has run', () => {
    expect(computeBalance(lots, 0, day(5)).pending).toBe(40);
  });

  it.each([
    [0, 122],
    [22, 100],
    [150, -28],
  ])('subtracts debt %i', (debt, available) => {
    expect(computeBalance(lots, debt, T0).available).toBe(available);
  });

  it('an empty member has nothing', () => {
    expect(computeBalance([], 0, T0)).toEqual({ available: 0, pending: 0, expiring: [] });
  });
});
