import { describe, expect, it } from 'vitest';
import { checkOccurredAt, checkSpend } from '../index';
import { calculate, member, program, receipt, SUNDAY } from './factories';

describe('checkSpend (confirm posts exactly what was asked, or fails)', () => {
  // 400 ₽ receipt, 30 % cap → 120 points by the rules
  const calculation = (available: number, pointsToSpend: number) =>
    calculate({ receipt: receipt({ pointsToSpend }), member: member({ availablePoints: available }) });

  it.each([
    { available: 500, requested: 100, expected: { ok: true } },
    { available: 500, requested: 120, expected: { ok: true } },
    { available: 0, requested: 0, expected: { ok: true } },
    {
      available: 500,
      requested: 121,
      expected: { ok: false, code: 'points_limit_exceeded', requested: 121, maxPointsToSpend: 120 },
    },
    {
      available: 50,
      requested: 60,
      expected: { ok: false, code: 'insufficient_points', requested: 60, available: 50 },
    },
    {
      why: 'beyond both balance and cap: insufficient_points',
      available: 50,
      requested: 200,
      expected: { ok: false, code: 'insufficient_points', requested: 200, available: 50 },
    },
    {
      available: -10,
      requested: 1,
      expected: { ok: false, code: 'insufficient_points', requested: 1, available: -10 },
    },
  ])('balance $available, request $requested', ({ available, requested, expected }) => {
    expect(checkSpend(calculation(available, requested), requested, available)).toEqual(expected);
  });

  it('reports the cap as min(balance, rules)', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 100000 }], pointsToSpend: 95 }),
      member: member({ availablePoints: 100 }),
    });
    // rules allow 300, balance 100: 95 is fine
    expect(checkSpend(result, 95, 100)).toEqual({ ok: true });
    const small = calculate({
      receipt: receipt({ pointsToSpend: 130 }),
      member: member({ availablePoints: 200 }),
    });
    expect(checkSpend(small, 130, 200)).toMatchObject({
      code: 'points_limit_exceeded',
      maxPointsToSpend: 120,
    });
  });

  it('anonymous receipts cannot spend', () => {
    const result = calculate({ member: null, receipt: receipt({ pointsToSpend: 5 }) });
    expect(checkSpend(result, 5, 0)).toMatchObject({ code: 'insufficient_points' });
  });
});

describe('checkOccurredAt', () => {
  const settings = program({ receipts: { maxDelayDays: 30 } });
  const now = SUNDAY;
  const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

  it.each([
    { why: 'now', occurredAt: now, ok: true },
    { why: '5 minutes ahead', occurredAt: minutes(5), ok: true },
    { why: '6 minutes ahead', occurredAt: minutes(6), ok: false },
    { why: '30 days back', occurredAt: new Date('2026-10-23T10:15:00Z'), ok: true },
    { why: '30 days and a minute back', occurredAt: new Date('2026-10-23T10:14:00Z'), ok: false },
  ])('$why', ({ occurredAt, ok }) => {
    expect(checkOccurredAt(occurredAt, now, settings).ok).toBe(ok);
  });

  it('says what the window is', () => {
    expect(checkOccurredAt(minutes(10), now, settings)).toEqual({
      ok: false,
      code: 'occurred_at_out_of_range',
      earliest: new Date('2026-10-23T10:15:00Z'),
      latest: minutes(5),
    });
  });
});
