import { describe, expect, it } from 'vitest';
import type { Campaign, CampaignEffect } from '../index';
import { calculate, campaign, GOLD, member, program, receipt, SUNDAY } from './factories';

type CampaignOverrides = NonNullable<Parameters<typeof campaign>[0]>;

const withEffect = (effect: CampaignEffect, extra: CampaignOverrides = {}): Campaign =>
  campaign({ campaignId: `cmp_${effect.type}`, name: 'Promo', effect, ...extra });

const stateOf = (stamps: number, spendMinor = 0, memberId = 'mbr_1') => ({ memberId, stamps, spendMinor });

const twoLines = [
  { sku: 'LATTE', category: 'coffee', amountMinor: 30000 },
  { sku: 'CAKE', category: 'food', amountMinor: 10000 },
];

describe('discount_amount', () => {
  it.each([
    { per: 'receipt' as const, amountMinor: 10000, discounts: [7500, 2500] },
    { per: 'receipt' as const, amountMinor: 99999, discounts: [30000, 10000] },
    { per: 'line' as const, amountMinor: 15000, discounts: [15000, 10000] },
    { per: 'unit' as const, amountMinor: 1000, discounts: [2000, 1000] },
  ])('$amountMinor off per $per -> $discounts', ({ per, amountMinor, discounts }) => {
    const result = calculate({
      receipt: receipt({ lines: [{ ...twoLines[0], quantity: 2 }, twoLines[1] ?? {}] }),
      campaigns: [withEffect({ type: 'discount_amount', amountMinor, per })],
    });
    expect(result.lines.map((l) => l.discountMinor)).toEqual(discounts);
    expect(result.effects[0]).toMatchObject({
      kind: 'discount_amount',
      discountMinor: discounts[0]! + discounts[1]!,
    });
  });

  it('comes after the percentage and never takes a line below zero', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 10000 }] }),
      member: member({ tier: GOLD }),
      campaigns: [withEffect({ type: 'discount_amount', amountMinor: 50000 })],
    });
    expect(result.lines[0]).toMatchObject({ discountMinor: 10000, payableMinor: 0, discountPercent: '10' });
    expect(result.effects.map((e) => [e.kind, e.discountMinor])).toEqual([
      ['discount_percent', 1000],
      ['earn_multiplier', undefined],
      ['discount_amount', 9000],
    ]);
  });

  it('is described with money in both languages', () => {
    const result = calculate({
      campaigns: [withEffect({ type: 'discount_amount', amountMinor: 5050 })],
    });
    expect(result.effects[0]).toMatchObject({
      description: 'Promo: 50.50 RUB off',
      descriptionRu: 'Promo: скидка 50,50 ₽',
    });
  });
});

describe('earn_rate', () => {
  it('matching lines earn at the campaign rate; others at the program rate; multipliers on top', () => {
    const result = calculate({
      receipt: receipt({ lines: twoLines }),
      member: member({ tier: GOLD }),
      campaigns: [
        withEffect({ type: 'earn_rate', pointsPerUnit: '0.1' }, { conditions: { categories: ['coffee'] } }),
      ],
    });
    // After gold's 10 %: coffee 270 ₽ × 0.1 × 1.5 = 40.5, cake 90 ₽ × 0.05 × 1.5 = 6.75 → 47.25 → 47
    expect(result.totals.pointsEarned).toBe(47);
    expect(result.effects.find((e) => e.kind === 'earn_rate')).toMatchObject({
      lineIds: ['1'],
      pointsPerUnit: '0.1',
      description: 'Promo: 0.1 points per 1 RUB',
    });
  });

  it('the highest rate wins on a line', () => {
    const result = calculate({
      campaigns: [
        withEffect({ type: 'earn_rate', pointsPerUnit: '0.1' }, { campaignId: 'cmp_a', priority: 50 }),
        withEffect({ type: 'earn_rate', pointsPerUnit: '2' }, { campaignId: 'cmp_b', priority: 1 }),
      ],
    });
    expect(result.totals.pointsEarned).toBe(800);
    expect(result.appliedCampaignIds).toEqual(['cmp_b']);
    expect(result.campaignUsage).toEqual([
      expect.objectContaining({ campaignId: 'cmp_b', points: 780, discountMinor: 0 }),
    ]);
  });

  it('anonymous receipts earn nothing', () => {
    const result = calculate({
      member: null,
      campaigns: [withEffect({ type: 'earn_rate', pointsPerUnit: '2' })],
    });
    expect(result.totals.pointsEarned).toBe(0);
    expect(result.effects).toEqual([]);
  });
});

describe('nth_item_free', () => {
  it('buy 2 get 1: every third unit free, the cheapest first', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { sku: 'LATTE', category: 'coffee', quantity: 2, amountMinor: 40000 },
          { sku: 'ESPRESSO', category: 'coffee', quantity: 4, amountMinor: 40000 },
          { sku: 'CAKE', category: 'food', quantity: 3, amountMinor: 3000 },
        ],
      }),
      campaigns: [
        withEffect({ type: 'nth_item_free', buy: 2, free: 1 }, { conditions: { categories: ['coffee'] } }),
      ],
    });
    // 6 coffees → 2 free; espresso (100 ₽) is cheaper than latte (200 ₽)
    expect(result.lines.map((l) => l.discountMinor)).toEqual([0, 20000, 0]);
    expect(result.effects[0]).toMatchObject({
      kind: 'nth_item_free',
      freeUnits: 2,
      lineIds: ['2'],
      description: 'Promo: buy 2, get 1 free — 2 items free',
      descriptionRu: 'Promo: 2 + 1 в подарок — бесплатно 2 штуки',
    });
  });

  it('counts whole units only and does nothing below the group size', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ quantity: '2.5', amountMinor: 25000 }] }),
      campaigns: [withEffect({ type: 'nth_item_free', buy: 2, free: 1 })],
    });
    expect(result.totals.discountMinor).toBe(0);
    expect(result.effects).toEqual([]);
  });
});

describe('stamp (6th coffee free)', () => {
  const card = (stamps: number | null, memberId = 'mbr_1') =>
    withEffect(
      { type: 'stamp', every: 6 },
      {
        name: 'Coffee card',
        conditions: { categories: ['coffee'] },
        memberState: stamps === null ? null : stateOf(stamps, 0, memberId),
      },
    );
  const coffees = (quantity: number) => receipt({ lines: [{ quantity, amountMinor: 20000 * quantity }] });

  it.each([
    { before: 0, quantity: 1, free: 0, progress: 1 },
    { before: 4, quantity: 1, free: 0, progress: 5 },
    { before: 5, quantity: 1, free: 1, progress: 0 },
    { before: 4, quantity: 2, free: 1, progress: 0 },
    { before: 4, quantity: 3, free: 1, progress: 1 },
    { before: 0, quantity: 12, free: 2, progress: 0 },
    { before: 11, quantity: 1, free: 1, progress: 0 },
  ])(
    '$before stamps + $quantity coffees: $free free, card at $progress',
    ({ before, quantity, free, progress }) => {
      const result = calculate({ receipt: coffees(quantity), campaigns: [card(before)] });
      expect(result.totals.discountMinor).toBe(free * 20000);
      expect(result.effects[0]).toMatchObject({
        kind: 'stamp',
        stampsAdded: quantity,
        stampsProgress: progress,
        freeUnits: free,
      });
      expect(result.campaignUsage[0]).toMatchObject({ stamps: quantity, discountMinor: free * 20000 });
    },
  );

  it('describes the card', () => {
    const result = calculate({ receipt: coffees(2), campaigns: [card(4)] });
    expect(result.effects[0]).toMatchObject({
      description: 'Coffee card: +2 stamps, 1 free; card 0 of 5',
      descriptionRu: 'Coffee card: +2 штампа, бесплатно 1 штука; на карточке 0 из 5',
    });
  });

  it('needs the member state of this very member', () => {
    expect(calculate({ receipt: coffees(6), campaigns: [card(null)] }).effects).toEqual([]);
    expect(calculate({ receipt: coffees(6), campaigns: [card(5, 'mbr_other')] }).effects).toEqual([]);
    expect(calculate({ receipt: coffees(6), member: null, campaigns: [card(5)] }).effects).toEqual([]);
  });
});

describe('threshold_reward (500 off every 3,500)', () => {
  const reward = (
    spendMinor: number,
    effect: Partial<Extract<CampaignEffect, { type: 'threshold_reward' }>> = {},
  ) =>
    withEffect(
      { type: 'threshold_reward', thresholdMinor: 350000, rewardMinor: 50000, ...effect },
      { name: '500 off every 3500', memberState: stateOf(0, spendMinor) },
    );

  it.each([
    { before: 0, amount: 100000, off: 0, progress: 100000 },
    { before: 300000, amount: 100000, off: 50000, progress: 50000 },
    { before: 0, amount: 700000, off: 100000, progress: 0 },
    { before: 349999, amount: 1, off: 1, progress: 0 },
  ])('$before spent + $amount -> $off off, progress $progress', ({ before, amount, off, progress }) => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: amount }] }),
      campaigns: [reward(before)],
    });
    expect(result.totals.discountMinor).toBe(off);
    expect(result.effects[0]).toMatchObject({
      kind: 'threshold_reward',
      progressMinor: progress,
      discountMinor: off,
    });
    expect(result.campaignUsage[0]).toMatchObject({ spendMinor: amount, discountMinor: off });
  });

  it('can reward points instead, and says so', () => {
    const result = calculate({
      receipt: receipt({ lines: [{ amountMinor: 100000 }] }),
      campaigns: [reward(300000, { rewardMinor: 0, rewardPoints: 500 })],
    });
    expect(result.totals.discountMinor).toBe(0);
    expect(result.earn.bonusPoints).toBe(500);
    expect(result.effects[0]).toMatchObject({
      points: 500,
      description: '500 off every 3500: +500 points; 500 RUB of 3500 RUB towards the next reward',
      descriptionRu:
        '500 off every 3500: +500 бонусных баллов; до следующей награды накоплено 500 ₽ из 3500 ₽',
    });
  });
});

describe('bundle_price', () => {
  it('a latte and a croissant for 250 ₽: the saving is split by value', () => {
    const result = calculate({
      receipt: receipt({
        lines: [
          { sku: 'LATTE', category: 'coffee', quantity: 1, amountMinor: 20000 },
          { sku: 'CROISSANT', category: 'food', quantity: 2, amountMinor: 20000 },
        ],
      }),
      campaigns: [
        withEffect({
          type: 'bundle_price',
          priceMinor: 25000,
          items: [
            { skus: ['LATTE'], quantity: 1 },
            { skus: ['CROISSANT'], quantity: 1 },
          ],
        }),
      ],
    });
    // One bundle: latte 200 + one croissant 100 = 300 → 50 off, split 2:1
    expect(result.lines.map((l) => l.discountMinor)).toEqual([3333, 1667]);
    expect(result.effects[0]).toMatchObject({ kind: 'bundle_price', discountMinor: 5000 });
  });

  it('does nothing when a component is missing or the bundle costs more than the items', () => {
    const bundle = (priceMinor: number) =>
      withEffect({ type: 'bundle_price', priceMinor, items: [{ skus: ['LATTE'], quantity: 2 }] });
    expect(calculate({ campaigns: [bundle(100)] }).totals.discountMinor).toBe(0);
    expect(
      calculate({ receipt: receipt({ lines: [{ quantity: 2 }] }), campaigns: [bundle(50000)] }).totals
        .discountMinor,
    ).toBe(0);
  });
});

describe('free_delivery and issue_coupon', () => {
  it('delivery lines cost nothing and the receipt carries the flag', () => {
    const result = calculate({
      receipt: receipt({
        lines: [{ amountMinor: 300000 }, { sku: 'DLV', category: 'delivery', amountMinor: 29900 }],
      }),
      campaigns: [withEffect({ type: 'free_delivery' }, { conditions: { minAmountMinor: 300000 } })],
    });
    expect(result.freeDelivery).toBe(true);
    expect(result.lines.map((l) => l.payableMinor)).toEqual([300000, 0]);
    expect(result.effects[0]).toMatchObject({
      kind: 'free_delivery',
      lineIds: ['2'],
      descriptionRu: 'Promo: бесплатная доставка',
    });
  });

  it('issue_coupon is announced for members and reported for confirm', () => {
    const result = calculate({ campaigns: [withEffect({ type: 'issue_coupon', seriesId: 'cps_next' })] });
    expect(result.effects[0]).toMatchObject({ kind: 'issue_coupon', seriesId: 'cps_next' });
    expect(result.campaignUsage[0]).toMatchObject({ issueCouponSeriesId: 'cps_next', points: 0 });
    expect(
      calculate({ member: null, campaigns: [withEffect({ type: 'issue_coupon', seriesId: 'cps_next' })] })
        .effects,
    ).toEqual([]);
  });
});

describe('conditions, audience, scope and stacking', () => {
  const tenPercent = (extra: CampaignOverrides, campaignId = 'cmp_ten') =>
    withEffect({ type: 'discount_percent', percent: '10' }, { campaignId, ...extra });

  it.each([
    { why: 'store in scope', extra: { scope: { storeIds: ['moscow-01'] } }, off: 4000 },
    { why: 'store out of scope', extra: { scope: { storeIds: ['spb-01'] } }, off: 0 },
    { why: 'no channel means pos', extra: { scope: { channels: ['pos'] } }, off: 4000 },
    { why: 'web only', extra: { scope: { channels: ['web'] } }, off: 0 },
    // SUNDAY is 13:15 in Moscow
    { why: 'within hours', extra: { conditions: { hours: { from: '13:00', to: '14:00' } } }, off: 4000 },
    { why: 'outside hours', extra: { conditions: { hours: { from: '08:00', to: '11:00' } } }, off: 0 },
    { why: 'overnight hours', extra: { conditions: { hours: { from: '22:00', to: '14:00' } } }, off: 4000 },
    { why: 'min quantity met', extra: { conditions: { minQuantity: '1' } }, off: 4000 },
    { why: 'min quantity not met', extra: { conditions: { minQuantity: '1.5' } }, off: 0 },
    { why: 'tier audience, no tier', extra: { audience: { tiers: ['gold'] } }, off: 0 },
    { why: 'members only', extra: { audience: { membersOnly: true } }, off: 4000 },
    { why: 'series coupon not resolved', extra: { conditions: { couponSeriesId: 'cps_1' } }, off: 0 },
    {
      why: 'birthday audience without member state',
      extra: { audience: { birthday: 'month' as const } },
      off: 0,
    },
  ])('$why', ({ extra, off }) => {
    const c = tenPercent(extra as CampaignOverrides);
    const result = calculate({ receipt: receipt({ storeId: 'moscow-01' }), campaigns: [c] });
    expect(result.totals.discountMinor).toBe(off);
  });

  it('tier audience admits members of the tier; anonymous receipts never pass a member audience', () => {
    const c = tenPercent({ audience: { tiers: ['gold'] } });
    expect(calculate({ member: member({ tier: GOLD }), campaigns: [c] }).appliedCampaignIds).toEqual([]);
    const bigger = withEffect({ type: 'discount_percent', percent: '20' }, { audience: { tiers: ['gold'] } });
    expect(calculate({ member: member({ tier: GOLD }), campaigns: [bigger] }).totals.discountMinor).toBe(
      8000,
    );
    expect(calculate({ member: null, campaigns: [bigger] }).totals.discountMinor).toBe(0);
  });

  it('an exclusive group keeps only the first campaign in priority order', () => {
    const result = calculate({
      campaigns: [
        withEffect(
          { type: 'bonus_points', points: 5 },
          { campaignId: 'cmp_a', priority: 1, stacking: { exclusiveGroup: 'g' } },
        ),
        withEffect(
          { type: 'bonus_points', points: 7 },
          { campaignId: 'cmp_b', priority: 9, stacking: { exclusiveGroup: 'g' } },
        ),
        withEffect({ type: 'bonus_points', points: 1 }, { campaignId: 'cmp_c', priority: 0 }),
      ],
    });
    expect(result.appliedCampaignIds).toEqual(['cmp_b', 'cmp_c']);
  });

  it('stop further campaigns hides the lower ones, but a failed match hides nothing', () => {
    const campaigns = [
      withEffect(
        { type: 'bonus_points', points: 5 },
        { campaignId: 'cmp_top', priority: 9, stacking: { stopFurther: true } },
      ),
      withEffect({ type: 'bonus_points', points: 7 }, { campaignId: 'cmp_low', priority: 1 }),
    ];
    expect(calculate({ campaigns }).appliedCampaignIds).toEqual(['cmp_top']);
    const topFails = [
      { ...campaigns[0]!, conditions: { ...campaigns[0]!.conditions, daysOfWeek: [1] } },
      campaigns[1]!,
    ];
    expect(calculate({ campaigns: topFails }).appliedCampaignIds).toEqual(['cmp_low']);
  });
});

describe('campaign usage for budgets', () => {
  it('reports money, points and coupon per applied campaign', () => {
    const result = calculate({
      receipt: receipt({ coupons: ['promo'] }),
      campaigns: [
        withEffect({ type: 'earn_multiplier', multiplier: '2' }, { campaignId: 'cmp_x2', priority: 3 }),
        withEffect({ type: 'bonus_points', points: 100 }, { campaignId: 'cmp_bonus', priority: 2 }),
        withEffect(
          { type: 'discount_percent', percent: '10' },
          { campaignId: 'cmp_code', priority: 1, conditions: { coupon: 'PROMO' } },
        ),
      ],
      program: program(),
      now: SUNDAY,
    });
    // 360 ₽ after 10 % × 0.05 × 2 = 36 points, of which 18 thanks to ×2
    expect(result.campaignUsage).toEqual([
      {
        campaignId: 'cmp_x2',
        discountMinor: 0,
        points: 18,
        coupon: null,
        stamps: 0,
        spendMinor: 0,
        issueCouponSeriesId: null,
      },
      {
        campaignId: 'cmp_bonus',
        discountMinor: 0,
        points: 100,
        coupon: null,
        stamps: 0,
        spendMinor: 0,
        issueCouponSeriesId: null,
      },
      {
        campaignId: 'cmp_code',
        discountMinor: 4000,
        points: 0,
        coupon: 'promo',
        stamps: 0,
        spendMinor: 0,
        issueCouponSeriesId: null,
      },
    ]);
  });
});
