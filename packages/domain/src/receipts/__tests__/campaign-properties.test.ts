import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CalculateReceiptInput,
  type Campaign,
  type CampaignEffect,
  calculateReceipt,
  computeRefund,
  type ReceiptCalculation,
} from '../index';
import { program as programOf, SUNDAY } from './factories';

// Every effect type at once, with member state, stacking and scope: the receipt must still add
// up, never go negative, and refund to exactly what was confirmed.

const CATEGORIES = ['coffee', 'food', 'delivery'] as const;
const SKUS = ['LATTE', 'CAKE', 'DLV'] as const;

const effectArb: fc.Arbitrary<CampaignEffect> = fc.oneof(
  fc.record({ type: fc.constant('earn_multiplier' as const), multiplier: fc.constantFrom('0', '1.5', '2') }),
  fc.record({ type: fc.constant('bonus_points' as const), points: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ type: fc.constant('discount_percent' as const), percent: fc.constantFrom('5', '12.5', '100') }),
  fc.record({
    type: fc.constant('discount_amount' as const),
    amountMinor: fc.integer({ min: 0, max: 200_000 }),
    per: fc.constantFrom('receipt' as const, 'line' as const, 'unit' as const),
  }),
  fc.record({ type: fc.constant('earn_rate' as const), pointsPerUnit: fc.constantFrom('0', '0.1', '2') }),
  fc.record({
    type: fc.constant('nth_item_free' as const),
    buy: fc.integer({ min: 1, max: 3 }),
    free: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({
    type: fc.constant('bundle_price' as const),
    priceMinor: fc.integer({ min: 0, max: 50_000 }),
    items: fc.array(
      fc.record({ skus: fc.subarray([...SKUS], { maxLength: 1 }), quantity: fc.integer({ min: 1, max: 2 }) }),
      { minLength: 1, maxLength: 2 },
    ),
  }),
  fc.record({ type: fc.constant('stamp' as const), every: fc.integer({ min: 2, max: 6 }) }),
  fc.record({
    type: fc.constant('threshold_reward' as const),
    thresholdMinor: fc.integer({ min: 1, max: 400_000 }),
    rewardMinor: fc.integer({ min: 0, max: 60_000 }),
    rewardPoints: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({ type: fc.constant('free_delivery' as const) }),
  fc.record({ type: fc.constant('issue_coupon' as const), seriesId: fc.constant('cps_1') }),
);

const campaignArb: fc.Arbitrary<Campaign> = fc.record({
  campaignId: fc.constantFrom('cmp_a', 'cmp_b', 'cmp_c', 'cmp_d', 'cmp_e', 'cmp_f'),
  name: fc.constant('Promo'),
  status: fc.constant('active'),
  startsAt: fc.constant(null),
  endsAt: fc.constant(null),
  priority: fc.integer({ min: 0, max: 3 }),
  conditions: fc.record({
    minAmountMinor: fc.constantFrom(0, 0, 50_000),
    categories: fc.subarray([...CATEGORIES], { maxLength: 2 }),
    skus: fc.constant([]),
    daysOfWeek: fc.constant([]),
    coupon: fc.constant(null),
  }),
  effect: effectArb,
  stacking: fc.option(fc.record({ exclusiveGroup: fc.constantFrom(null, 'g1'), stopFurther: fc.boolean() }), {
    nil: null,
  }),
  memberState: fc.record({
    memberId: fc.constant('mbr_1'),
    stamps: fc.integer({ min: 0, max: 20 }),
    spendMinor: fc.integer({ min: 0, max: 1_000_000 }),
  }),
});

const inputArb: fc.Arbitrary<CalculateReceiptInput> = fc
  .record({
    lines: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS),
        category: fc.constantFrom(...CATEGORIES),
        quantityMilli: fc.constantFrom(1000, 2000, 3000, 1500, 250, 7000),
        amountMinor: fc.integer({ min: 0, max: 300_000 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    anonymous: fc.boolean(),
    availablePoints: fc.integer({ min: 0, max: 5_000 }),
    tierPercent: fc.constantFrom(null, '0', '5', '10'),
    campaigns: fc.uniqueArray(campaignArb, { maxLength: 5, selector: (c) => c.campaignId }),
    pointsToSpend: fc.integer({ min: 0, max: 5_000 }),
  })
  .map((r) => ({
    receipt: {
      receiptId: 'r-1',
      occurredAt: SUNDAY,
      lines: r.lines.map((l, index) => ({
        lineId: `L${index}`,
        sku: l.sku,
        category: l.category,
        quantity: (l.quantityMilli / 1000).toString(),
        amountMinor: l.amountMinor,
      })),
      coupons: [],
      pointsToSpend: r.pointsToSpend,
    },
    member: r.anonymous
      ? null
      : {
          memberId: 'mbr_1',
          availablePoints: r.availablePoints,
          tier:
            r.tierPercent === null
              ? null
              : { code: 't', name: 'T', discountPercent: r.tierPercent, earnMultiplier: '1.5' },
        },
    program: programOf({ burn: { maxPercentOfReceipt: 50, excludedCategories: ['delivery'] } }),
    campaigns: r.campaigns,
    now: SUNDAY,
  }));

const calculateOrFail = (input: CalculateReceiptInput): ReceiptCalculation => {
  const result = calculateReceipt(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.calculation;
};

describe('campaign effects: properties', () => {
  it('lines add up to the totals; discounts stay within each line; payable never negative', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = calculateOrFail(input);
        for (const key of [
          'amountMinor',
          'discountMinor',
          'pointsSpentMinor',
          'payableMinor',
          'pointsEarned',
        ] as const) {
          expect(result.lines.reduce((sum, line) => sum + line[key], 0)).toBe(result.totals[key]);
        }
        for (const line of result.lines) {
          expect(line.discountMinor).toBeGreaterThanOrEqual(0);
          expect(line.discountMinor).toBeLessThanOrEqual(line.amountMinor);
          expect(line.payableMinor).toBe(line.amountMinor - line.discountMinor - line.pointsSpentMinor);
          expect(line.payableMinor).toBeGreaterThanOrEqual(0);
          expect(line.pointsEarned).toBeGreaterThanOrEqual(0);
        }
        // Each discount effect's money is what its campaign took off; together they are the discount.
        const effectMoney = result.effects.reduce((sum, effect) => sum + (effect.discountMinor ?? 0), 0);
        expect(effectMoney).toBe(result.totals.discountMinor);
        expect(result.campaignUsage.map((u) => u.campaignId)).toEqual(result.appliedCampaignIds);
        for (const usage of result.campaignUsage) {
          expect(usage.discountMinor).toBeGreaterThanOrEqual(0);
          expect(usage.points).toBeGreaterThanOrEqual(0);
        }
        if (input.member === null) {
          expect(result.totals.pointsEarned).toBe(0);
          expect(result.campaignUsage.every((u) => u.stamps === 0 && u.spendMinor === 0)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of campaigns', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const reversed = { ...input, campaigns: [...input.campaigns].reverse() };
        expect(calculateReceipt(reversed)).toEqual(calculateReceipt(input));
      }),
      { numRuns: 100 },
    );
  });

  it('a full refund gives back exactly what was confirmed', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const calculation = calculateOrFail(input);
        const refund = computeRefund(
          calculation.lines.map((line) => ({ ...line, refundedQuantityMilli: 0 })),
          undefined,
        );
        if (!refund.ok) throw new Error(JSON.stringify(refund));
        expect(refund.refund.totals.amountMinor).toBe(calculation.totals.payableMinor);
        expect(refund.refund.totals.pointsRevoked).toBe(calculation.totals.pointsEarned);
      }),
      { numRuns: 100 },
    );
  });
});
