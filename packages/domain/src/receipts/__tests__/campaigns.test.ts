import { describe, expect, it } from 'vitest';
import type { Campaign, CampaignConditions } from '../index';
import { calculate, campaign, GOLD, member, program, receipt, SILVER, SUNDAY, WEDNESDAY } from './factories';

const weekendDouble = campaign({
  campaignId: 'cmp_weekend',
  name: 'Double points on weekends',
  conditions: { daysOfWeek: [6, 7] },
  effect: { type: 'earn_multiplier', multiplier: '2' },
});

describe('earn_multiplier', () => {
  it.each([
    { day: 'Sunday', occurredAt: SUNDAY, points: 40 },
    { day: 'Wednesday', occurredAt: WEDNESDAY, points: 20 },
    // 23:30 UTC on Saturday is already Sunday in Moscow…
    { day: 'Saturday night UTC', occurredAt: new Date('2026-11-21T23:30:00Z'), points: 40 },
    // …and 22:30 UTC on Sunday is Monday 01:30 in Moscow.
    { day: 'Sunday night UTC', occurredAt: new Date('2026-11-22T22:30:00Z'), points: 20 },
  ])('weekend double points on $day: $points', ({ occurredAt, points }) => {
    const result = calculate({ receipt: receipt({ occurredAt }), campaigns: [weekendDouble] });
    expect(result.totals.pointsEarned).toBe(points);
  });

  it('reports the effect with both descriptions', () => {
    const result = calculate({ campaigns: [weekendDouble] });
    expect(result.effects).toEqual([
      {
        campaignId: 'cmp_weekend',
        tierCode: null,
        source: 'campaign',
        kind: 'earn_multiplier',
        description: 'Double points on weekends: points ×2',
        descriptionRu: 'Double points on weekends: баллы ×2',
        lineIds: ['1'],
        multiplier: '2',
      },
    ]);
    expect(result.appliedCampaignIds).toEqual(['cmp_weekend']);
  });

  it('tier and campaign multipliers multiply: gold ×1.5 × weekend ×2 on 360 ₽ = 54', () => {
    const result = calculate({ member: member({ tier: GOLD }), campaigns: [weekendDouble] });
    expect(result.totals.pointsEarned).toBe(54);
  });

  it('two campaigns multiply too', () => {
    const result = calculate({
      campaigns: [
        weekendDouble,
        campaign({ campaignId: 'cmp_x3', effect: { type: 'earn_multiplier', multiplier: '3' } }),
      ],
    });
    expect(result.totals.pointsEarned).toBe(120);
  });

  it('applies only to matching lines; per-line rates, rounded once per receipt', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { category: 'coffee', amountMinor: 21000 },
          { category: 'food', amountMinor: 21000 },
        ],
      }),
      campaigns: [campaign({ conditions: { categories: ['coffee'] } })],
    });
    // coffee 21 exact points, food 10.5: 31.5 → 31
    expect(result.totals.pointsEarned).toBe(31);
    expect(result.lines.map((l) => l.pointsEarned)).toEqual([21, 10]);
    expect(result.effects[0]?.lineIds).toEqual(['1']);
  });
});

describe('discount_percent', () => {
  const coupon10 = campaign({
    campaignId: 'cmp_coupon',
    name: 'Autumn coupon',
    conditions: { coupon: 'AUTUMN10' },
    effect: { type: 'discount_percent', percent: '10' },
  });

  it.each([
    { coupons: [], discountMinor: 0 },
    { coupons: ['AUTUMN10'], discountMinor: 4000 },
    { coupons: [' autumn10 '], discountMinor: 4000 },
    { coupons: ['SPRING10'], discountMinor: 0 },
  ])('coupon-gated: coupons $coupons -> discount $discountMinor', ({ coupons, discountMinor }) => {
    const result = calculate({ receipt: receipt({ coupons }), campaigns: [coupon10] });
    expect(result.totals.discountMinor).toBe(discountMinor);
  });

  it('reports which coupons were used', () => {
    const result = calculate({
      receipt: receipt({ coupons: ['autumn10', 'WHATEVER'] }),
      campaigns: [coupon10],
    });
    expect(result.coupons).toEqual({ applied: ['autumn10'], unused: ['WHATEVER'] });
    expect(result.effects).toEqual([
      expect.objectContaining({
        campaignId: 'cmp_coupon',
        kind: 'discount_percent',
        description: 'Autumn coupon: 10% off',
        descriptionRu: 'Autumn coupon: скидка 10%',
        percent: '10',
        discountMinor: 4000,
        lineIds: ['1'],
      }),
    ]);
  });

  it('percentages do not add up: the largest wins per line', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { category: 'coffee', amountMinor: 10000 },
          { category: 'food', amountMinor: 10000 },
        ],
      }),
      member: member({ tier: GOLD }),
      campaigns: [
        campaign({
          campaignId: 'cmp_coffee15',
          name: 'Coffee week',
          conditions: { categories: ['coffee'] },
          effect: { type: 'discount_percent', percent: '15' },
        }),
        campaign({
          campaignId: 'cmp_all7',
          name: 'Small sale',
          effect: { type: 'discount_percent', percent: '7' },
        }),
      ],
    });
    expect(result.lines.map((l) => [l.discountMinor, l.discountPercent])).toEqual([
      [1500, '15'],
      [1000, '10'],
    ]);
    expect(
      result.effects
        .filter((e) => e.kind === 'discount_percent')
        .map((e) => [e.tierCode ?? e.campaignId, e.lineIds]),
    ).toEqual([
      ['gold', ['2']],
      ['cmp_coffee15', ['1']],
    ]);
    // The 7 % campaign changed nothing, so it did not apply.
    expect(result.appliedCampaignIds).toEqual(['cmp_coffee15']);
  });

  it('equal percentages: the tier keeps the line, then the higher-priority campaign', () => {
    const tied = (campaignId: string, priority: number): Campaign =>
      campaign({
        campaignId,
        priority,
        name: campaignId,
        effect: { type: 'discount_percent', percent: '5' },
      });
    const withTier = calculate({ member: member({ tier: SILVER }), campaigns: [tied('cmp_a', 1)] });
    expect(withTier.effects.map((e) => e.tierCode ?? e.campaignId)).toEqual(['silver']);
    const campaignsOnly = calculate({ campaigns: [tied('cmp_low', 1), tied('cmp_high', 9)] });
    expect(campaignsOnly.effects.map((e) => e.campaignId)).toEqual(['cmp_high']);
    const sameList = calculate({ campaigns: [tied('cmp_high', 9), tied('cmp_low', 1)] });
    expect(sameList).toEqual(campaignsOnly);
  });

  it('decimal percentages are exact, rounded half up per line', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 999 }] }),
      campaigns: [campaign({ effect: { type: 'discount_percent', percent: '12.5' } })],
    });
    // 999 × 12.5 % = 124.875 → 125
    expect(result.lines[0]?.discountMinor).toBe(125);
  });
});

describe('bonus_points', () => {
  it('adds once per receipt and goes to matching lines by amount', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { category: 'coffee', amountMinor: 30000 },
          { category: 'coffee', amountMinor: 10000 },
          { category: 'food', amountMinor: 20000 },
        ],
      }),
      campaigns: [
        campaign({
          campaignId: 'cmp_bonus',
          name: 'Coffee bonus',
          conditions: { categories: ['coffee'] },
          effect: { type: 'bonus_points', points: 100 },
        }),
      ],
    });
    // rate: 15 + 5 + 10 = 30; bonus 100 → 75 / 25 / 0
    expect(result.lines.map((l) => l.pointsEarned)).toEqual([90, 30, 10]);
    expect(result.earn).toMatchObject({ points: 130, ratePoints: 30, bonusPoints: 100 });
    expect(result.effects).toEqual([
      expect.objectContaining({
        campaignId: 'cmp_bonus',
        kind: 'bonus_points',
        points: 100,
        lineIds: ['1', '2'],
        description: 'Coffee bonus: +100 bonus points',
        descriptionRu: 'Coffee bonus: +100 бонусных баллов',
      }),
    ]);
  });

  it('bonuses add up across campaigns', () => {
    const result = calculate({
      campaigns: [
        campaign({ campaignId: 'a', effect: { type: 'bonus_points', points: 1 } }),
        campaign({ campaignId: 'b', effect: { type: 'bonus_points', points: 22 } }),
      ],
    });
    expect(result.totals.pointsEarned).toBe(20 + 23);
    expect(result.effects.map((e) => e.descriptionRu)).toEqual([
      'Double points on weekends: +1 бонусный балл',
      'Double points on weekends: +22 бонусных балла',
    ]);
  });

  it('a bonus split over equal lines puts the odd point on the earlier line', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 0 }, { amountMinor: 0 }] }),
      campaigns: [campaign({ effect: { type: 'bonus_points', points: 3 } })],
    });
    expect(result.lines.map((l) => l.pointsEarned)).toEqual([2, 1]);
  });
});

describe('conditions are ANDed', () => {
  const discount = (conditions: Partial<CampaignConditions>, extra: Partial<Campaign> = {}) =>
    campaign({ conditions, effect: { type: 'discount_percent', percent: '10' }, ...extra });
  const lines = [
    { sku: 'LATTE', category: 'coffee', amountMinor: 10000 },
    { sku: 'BEANS', category: 'coffee', amountMinor: 20000 },
    { sku: 'CROISSANT', category: 'food', amountMinor: 10000 },
  ];

  it.each([
    { why: 'no filters: whole receipt', c: discount({}), discounts: [1000, 2000, 1000] },
    { why: 'category', c: discount({ categories: ['coffee'] }), discounts: [1000, 2000, 0] },
    { why: 'sku', c: discount({ skus: ['CROISSANT'] }), discounts: [0, 0, 1000] },
    {
      why: 'category AND sku',
      c: discount({ categories: ['coffee'], skus: ['LATTE', 'CROISSANT'] }),
      discounts: [1000, 0, 0],
    },
    { why: 'no line matches', c: discount({ categories: ['tea'] }), discounts: [0, 0, 0] },
    {
      why: 'min amount reached (receipt 400 ₽)',
      c: discount({ minAmountMinor: 40000 }),
      discounts: [1000, 2000, 1000],
    },
    { why: 'min amount not reached', c: discount({ minAmountMinor: 40001 }), discounts: [0, 0, 0] },
    { why: 'day of week: Sunday listed', c: discount({ daysOfWeek: [7] }), discounts: [1000, 2000, 1000] },
    { why: 'day of week: only Monday', c: discount({ daysOfWeek: [1] }), discounts: [0, 0, 0] },
    { why: 'status paused', c: discount({}, { status: 'paused' }), discounts: [0, 0, 0] },
    {
      why: 'starts at occurredAt (inclusive)',
      c: discount({}, { startsAt: SUNDAY }),
      discounts: [1000, 2000, 1000],
    },
    {
      why: 'starts later',
      c: discount({}, { startsAt: new Date(SUNDAY.getTime() + 1) }),
      discounts: [0, 0, 0],
    },
    { why: 'ends at occurredAt (exclusive)', c: discount({}, { endsAt: SUNDAY }), discounts: [0, 0, 0] },
    {
      why: 'ends later',
      c: discount({}, { endsAt: new Date(SUNDAY.getTime() + 1) }),
      discounts: [1000, 2000, 1000],
    },
    {
      why: 'everything at once',
      c: discount({ categories: ['coffee'], minAmountMinor: 100, daysOfWeek: [6, 7], coupon: 'X' }),
      discounts: [1000, 2000, 0],
    },
  ])('$why', ({ c, discounts }) => {
    const result = calculate({ receipt: receipt({ lines, coupons: ['X'] }), campaigns: [c] });
    expect(result.lines.map((l) => l.discountMinor)).toEqual(discounts);
  });

  it('uses the campaign window at occurredAt, not now (offline receipts)', () => {
    const ended = discount({}, { endsAt: new Date('2026-11-23T00:00:00Z') });
    const result = calculate({
      receipt: receipt({ lines }),
      campaigns: [ended],
      now: new Date('2026-12-01T00:00:00Z'),
    });
    expect(result.totals.discountMinor).toBe(4000);
  });

  it('ignores effect types this version does not know', () => {
    const future = { ...campaign(), effect: { type: 'free_item', sku: 'COOKIE' } } as unknown as Campaign;
    const result = calculate({ campaigns: [future] });
    expect(result.effects).toEqual([]);
    expect(result.totals.pointsEarned).toBe(20);
  });
});

describe('ordering of effects', () => {
  it('tier effects first, then campaigns by priority (higher first), then id', () => {
    const result = calculate({
      member: member({ tier: GOLD }),
      program: program(),
      campaigns: [
        campaign({ campaignId: 'cmp_b', priority: 1, effect: { type: 'bonus_points', points: 5 } }),
        campaign({ campaignId: 'cmp_a', priority: 1, effect: { type: 'bonus_points', points: 5 } }),
        campaign({
          campaignId: 'cmp_top',
          priority: 50,
          effect: { type: 'earn_multiplier', multiplier: '2' },
        }),
      ],
    });
    expect(result.effects.map((e) => `${e.source}:${e.tierCode ?? e.campaignId}:${e.kind}`)).toEqual([
      'tier:gold:discount_percent',
      'tier:gold:earn_multiplier',
      'campaign:cmp_top:earn_multiplier',
      'campaign:cmp_a:bonus_points',
      'campaign:cmp_b:bonus_points',
    ]);
  });
});
