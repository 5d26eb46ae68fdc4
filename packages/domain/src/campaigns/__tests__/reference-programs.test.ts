import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../receipts';
import {
  calculate,
  campaign,
  member,
  program,
  receipt,
  SUNDAY,
  WEDNESDAY,
} from '../../receipts/__tests__/factories';
import { memberMatchesAudience } from '../audience';
import { normalizeCampaignDefinition, toCampaign } from '../validate-campaign';

// Loyalty programs our users run, written as a program plus campaigns (validated the way the API
// stores them) and the receipts they must produce.

const fromApi = (campaignId: string, body: unknown): Campaign => {
  const result = normalizeCampaignDefinition(body);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return toCampaign(campaignId, result.value);
};
const state = (stamps: number, spendMinor = 0) => ({ memberId: 'mbr_1', stamps, spendMinor });
const withState = (c: Campaign, stamps: number, spendMinor = 0): Campaign => ({
  ...c,
  memberState: state(stamps, spendMinor),
});

describe('2 points per rouble', () => {
  const twoPerRouble = program({ earn: { pointsPerUnit: '2' } });
  it.each([
    { amountMinor: 40000, points: 800 },
    { amountMinor: 12345, points: 246 },
    { amountMinor: 99, points: 1 },
  ])('$amountMinor kopecks earn $points points', ({ amountMinor, points }) => {
    expect(
      calculate({ program: twoPerRouble, receipt: receipt({ lines: [{ amountMinor }] }) }).totals
        .pointsEarned,
    ).toBe(points);
  });
});

describe('5 % back with double points on weekends', () => {
  const weekendDouble = fromApi('cmp_weekend', {
    name: 'Double points on weekends',
    status: 'active',
    conditions: { daysOfWeek: [6, 7] },
    effect: { type: 'earn_multiplier', multiplier: '2' },
  });
  it.each([
    { day: 'Sunday', occurredAt: SUNDAY, points: 40 },
    { day: 'Wednesday', occurredAt: WEDNESDAY, points: 20 },
  ])('400 ₽ on $day earns $points', ({ occurredAt, points }) => {
    const result = calculate({ receipt: receipt({ occurredAt }), campaigns: [weekendDouble] });
    expect(result.totals.pointsEarned).toBe(points);
  });
});

describe('6th coffee free', () => {
  const card = fromApi('cmp_card', {
    name: 'Coffee card',
    status: 'active',
    conditions: { categories: ['coffee'] },
    effect: { type: 'stamp', every: 6 },
  });
  it('five paid coffees, the sixth free, then a new card', () => {
    const payable: number[] = [];
    let stamps = 0;
    for (let visit = 0; visit < 7; visit++) {
      const result = calculate({
        receipt: receipt({ lines: [{ amountMinor: 20000 }] }),
        campaigns: [withState(card, stamps)],
      });
      payable.push(result.totals.payableMinor);
      stamps += result.campaignUsage[0]?.stamps ?? 0;
    }
    expect(payable).toEqual([20000, 20000, 20000, 20000, 20000, 0, 20000]);
  });
  it('six coffees on one receipt: one free, the cake is not a coffee', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { quantity: 6, amountMinor: 120000 },
          { category: 'food', sku: 'CAKE', amountMinor: 30000 },
        ],
      }),
      campaigns: [withState(card, 0)],
    });
    expect(result.lines.map((l) => l.discountMinor)).toEqual([20000, 0]);
  });
});

describe('500 off every 3,500', () => {
  const reward = fromApi('cmp_3500', {
    name: '500 off every 3500',
    status: 'active',
    effect: { type: 'threshold_reward', thresholdMinor: 350000, rewardMinor: 50000 },
  });
  it('across receipts: 2,000 + 2,000 → 500 off on the second; 7,000 at once → 1,000 off', () => {
    const first = calculate({
      receipt: receipt({ lines: [{ amountMinor: 200000 }] }),
      campaigns: [withState(reward, 0, 0)],
    });
    const second = calculate({
      receipt: receipt({ lines: [{ amountMinor: 200000 }] }),
      campaigns: [withState(reward, 0, first.campaignUsage[0]?.spendMinor ?? 0)],
    });
    expect([first.totals.discountMinor, second.totals.discountMinor]).toEqual([0, 50000]);
    const big = calculate({
      receipt: receipt({ lines: [{ amountMinor: 700000 }] }),
      campaigns: [withState(reward, 0, 0)],
    });
    expect(big.totals).toMatchObject({ discountMinor: 100000, payableMinor: 600000 });
  });
});

describe('10 % birthday discount from 5,000 RUB until the end of the birth month', () => {
  const birthday = fromApi('cmp_bday', {
    name: 'Birthday 10 %',
    status: 'active',
    conditions: { minAmountMinor: 500000 },
    audience: { birthday: 'month' },
    effect: { type: 'discount_percent', percent: '10' },
  });
  const facts = {
    birthDate: '1990-11-03',
    joinedAt: new Date('2020-01-01T00:00:00Z'),
    confirmedReceipts: 10,
  };
  /** The server hands the campaign over with the member's state only when the audience admits them. */
  const priced = (amountMinor: number, at: Date) =>
    calculate({
      receipt: receipt({ occurredAt: at, lines: [{ amountMinor }] }),
      campaigns: memberMatchesAudience(birthday.audience, facts, at, 'Europe/Moscow')
        ? [withState(birthday, 0)]
        : [birthday],
      now: at,
    }).totals.discountMinor;
  it.each([
    { when: 'in the birth month, 6,000 ₽', at: SUNDAY, amountMinor: 600000, off: 60000 },
    { when: 'in the birth month, 4,999.99 ₽', at: SUNDAY, amountMinor: 499999, off: 0 },
    {
      when: 'the last minute of November in Moscow',
      at: new Date('2026-11-30T20:59:00Z'),
      amountMinor: 600000,
      off: 60000,
    },
    {
      when: 'the first minute of December in Moscow',
      at: new Date('2026-11-30T21:00:00Z'),
      amountMinor: 600000,
      off: 0,
    },
  ])('$when: $off off', ({ at, amountMinor, off }) => {
    expect(priced(amountMinor, at)).toBe(off);
  });
});

describe('1 point per rouble with a 20 % cap on paying with points', () => {
  const onePerRouble = program({ earn: { pointsPerUnit: '1' }, burn: { maxPercentOfReceipt: 20 } });
  it('1,000 ₽ with 5,000 points: at most 200 pay, the 800 ₽ paid earn 800', () => {
    const result = calculate({
      program: onePerRouble,
      member: member({ availablePoints: 5000 }),
      receipt: receipt({ lines: [{ amountMinor: 100000 }], pointsToSpend: 999 }),
    });
    expect(result.totals).toMatchObject({
      maxPointsToSpend: 200,
      pointsSpent: 200,
      payableMinor: 80000,
      pointsEarned: 800,
    });
  });
  it('the cap holds with campaigns discounting first', () => {
    const result = calculate({
      program: onePerRouble,
      member: member({ availablePoints: 5000 }),
      receipt: receipt({ lines: [{ amountMinor: 100000 }], pointsToSpend: 999 }),
      campaigns: [campaign({ effect: { type: 'discount_amount', amountMinor: 50000 } })],
    });
    expect(result.totals).toMatchObject({
      discountMinor: 50000,
      maxPointsToSpend: 100,
      pointsSpent: 100,
      payableMinor: 40000,
      pointsEarned: 400,
    });
  });
});
