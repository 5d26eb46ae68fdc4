import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUNDING_MODES } from '../../money';
import type { Program } from '../../program';
import {
  type CalculateReceiptInput,
  type Campaign,
  calculateReceipt,
  checkSpend,
  computeRefund,
  type MemberContext,
  type ReceiptCalculation,
  type ReceiptLineResult,
} from '../index';
import { program as programOf, SUNDAY } from './factories';

const CATEGORIES = ['coffee', 'food', 'tobacco', 'gifts'] as const;
const SKUS = ['LATTE', 'BEANS', 'CROISSANT', 'CIGS', 'CARD'] as const;
const DECIMAL_RATES = ['0', '0.01', '0.05', '0.1', '0.333', '1', '2', '0.125'] as const;
const MULTIPLIERS = ['0', '0.5', '1', '1.5', '2', '3.25'] as const;
const PERCENTS = ['0', '3', '5', '10', '12.5', '33.3', '50', '100'] as const;

const lineArb = fc.record({
  sku: fc.constantFrom(...SKUS),
  category: fc.constantFrom(...CATEGORIES),
  quantityMilli: fc.integer({ min: 1, max: 20_000 }),
  amountMinor: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 5_000_000 })),
});

const programArb: fc.Arbitrary<Program> = fc
  .record({
    currency: fc.constantFrom('RUB', 'JPY', 'KWD'),
    pointValueMinor: fc.constantFrom(1, 7, 100, 1000),
    pointsPerUnit: fc.constantFrom(...DECIMAL_RATES),
    rounding: fc.constantFrom(...ROUNDING_MODES),
    base: fc.constantFrom('paid' as const, 'gross' as const),
    earnExcluded: fc.subarray([...CATEGORIES]),
    burnExcluded: fc.subarray([...CATEGORIES]),
    maxPercentOfReceipt: fc.integer({ min: 0, max: 100 }),
  })
  .map((p) =>
    programOf({
      currency: p.currency,
      pointValueMinor: p.pointValueMinor,
      earn: {
        pointsPerUnit: p.pointsPerUnit,
        rounding: p.rounding,
        base: p.base,
        excludedCategories: p.earnExcluded,
      },
      burn: { maxPercentOfReceipt: p.maxPercentOfReceipt, excludedCategories: p.burnExcluded },
    }),
  );

const campaignArb: fc.Arbitrary<Campaign> = fc.record({
  campaignId: fc.constantFrom('cmp_a', 'cmp_b', 'cmp_c', 'cmp_d', 'cmp_e'),
  name: fc.constant('Promo'),
  status: fc.constantFrom('active', 'active', 'paused'),
  startsAt: fc.constant(null),
  endsAt: fc.constant(null),
  priority: fc.integer({ min: 0, max: 3 }),
  conditions: fc.record({
    minAmountMinor: fc.constantFrom(0, 0, 0, 100_000),
    categories: fc.subarray([...CATEGORIES], { maxLength: 2 }),
    skus: fc.subarray([...SKUS], { maxLength: 2 }),
    daysOfWeek: fc.constantFrom([], [7], [1, 2, 3]),
    coupon: fc.constantFrom(null, null, 'PROMO'),
  }),
  effect: fc.oneof(
    fc.record({ type: fc.constant('earn_multiplier' as const), multiplier: fc.constantFrom(...MULTIPLIERS) }),
    fc.record({ type: fc.constant('bonus_points' as const), points: fc.integer({ min: 0, max: 500 }) }),
    fc.record({ type: fc.constant('discount_percent' as const), percent: fc.constantFrom(...PERCENTS) }),
  ),
});

const memberArb: fc.Arbitrary<MemberContext> = fc.option(
  fc.record({
    memberId: fc.constant('mbr_1'),
    availablePoints: fc.oneof(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 0, max: 10_000_000 })),
    tier: fc.option(
      fc.record({
        code: fc.constant('t'),
        name: fc.constant('Tier'),
        discountPercent: fc.constantFrom(...PERCENTS),
        earnMultiplier: fc.constantFrom(...MULTIPLIERS),
      }),
      { nil: null },
    ),
  }),
  { nil: null },
);

const inputArb: fc.Arbitrary<CalculateReceiptInput> = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
    member: memberArb,
    program: programArb,
    campaigns: fc.uniqueArray(campaignArb, { maxLength: 4, selector: (c) => c.campaignId }),
    pointsToSpend: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 10_000_000 })),
    coupons: fc.constantFrom([], ['PROMO'], ['promo', 'OTHER']),
    quantityAsNumber: fc.boolean(),
  })
  .map((r) => ({
    receipt: {
      receiptId: 'r-1',
      occurredAt: SUNDAY,
      lines: r.lines.map((l, index) => ({
        lineId: `L${index}`,
        sku: l.sku,
        category: l.category,
        quantity: r.quantityAsNumber ? l.quantityMilli / 1000 : (l.quantityMilli / 1000).toFixed(3),
        amountMinor: l.amountMinor,
      })),
      coupons: r.coupons,
      pointsToSpend: r.pointsToSpend,
    },
    member: r.member,
    program: r.program,
    campaigns: r.campaigns,
    now: SUNDAY,
  }));

const calculateOrFail = (input: CalculateReceiptInput): ReceiptCalculation => {
  const result = calculateReceipt(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.calculation;
};

const FIGURES = [
  'amountMinor',
  'discountMinor',
  'pointsSpent',
  'pointsSpentMinor',
  'payableMinor',
  'pointsEarned',
] as const;
const sumOf = (lines: readonly ReceiptLineResult[], key: (typeof FIGURES)[number]) =>
  lines.reduce((sum, line) => sum + line[key], 0);

describe('calculateReceipt properties', () => {
  it('lines add up to the totals; nothing is negative; payable = amount − discount − points money', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = calculateOrFail(input);
        for (const key of FIGURES) expect(sumOf(result.lines, key)).toBe(result.totals[key]);
        for (const line of [...result.lines, result.totals]) {
          expect(line.payableMinor).toBe(line.amountMinor - line.discountMinor - line.pointsSpentMinor);
          expect(line.payableMinor).toBeGreaterThanOrEqual(0);
          expect(line.discountMinor).toBeGreaterThanOrEqual(0);
          expect(line.pointsSpent).toBeGreaterThanOrEqual(0);
          expect(line.pointsEarned).toBeGreaterThanOrEqual(0);
        }
        expect(result.earn.points).toBe(result.totals.pointsEarned);
        if (input.member === null) expect(result.totals.pointsEarned).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('spend never exceeds the cap, the balance or the request; the money is points × value', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = calculateOrFail(input);
        const { totals, spend } = result;
        const balance = input.member === null ? 0 : Math.max(0, input.member.availablePoints);
        expect(totals.maxPointsToSpend).toBe(Math.min(balance, spend.maxByRules));
        expect(totals.pointsSpent).toBe(Math.min(input.receipt.pointsToSpend ?? 0, totals.maxPointsToSpend));
        expect(totals.pointsSpentMinor).toBe(totals.pointsSpent * input.program.pointValueMinor);
        const capBase = result.lines
          .filter((line) => !input.program.burn.excludedCategories.includes(line.category))
          .reduce((sum, line) => sum + line.amountMinor - line.discountMinor, 0);
        expect(totals.pointsSpentMinor * 100).toBeLessThanOrEqual(
          capBase * input.program.burn.maxPercentOfReceipt,
        );
        for (const line of result.lines) {
          if (input.program.burn.excludedCategories.includes(line.category)) expect(line.pointsSpent).toBe(0);
        }
        // Confirming the clamped amount always passes the check.
        expect(checkSpend(result, totals.pointsSpent, input.member?.availablePoints ?? 0)).toEqual({
          ok: true,
        });
      }),
      { numRuns: 200 },
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
});

/** A random plan that refunds every line completely, in random order and random pieces. */
const refundPlanArb = (lineCount: number) =>
  fc.array(
    fc.record({
      lineIndexes: fc.subarray(
        Array.from({ length: lineCount }, (_, i) => i),
        { minLength: 1 },
      ),
      fraction: fc.integer({ min: 1, max: 100 }),
    }),
    { maxLength: 6 },
  );

describe('computeRefund properties', () => {
  it('refunding everything in any order and split returns exactly the confirmed figures', () => {
    fc.assert(
      fc.property(
        inputArb.chain((input) => {
          const calculation = calculateOrFail(input);
          return fc.tuple(fc.constant(calculation), refundPlanArb(calculation.lines.length));
        }),
        ([calculation, plan]) => {
          const refunded = calculation.lines.map(() => 0);
          const totals = calculation.lines.map(() => ({ amount: 0, returned: 0, revoked: 0 }));
          const apply = (request: { lineId: string; quantity: string }[] | undefined) => {
            const result = computeRefund(
              calculation.lines.map((line, index) => ({
                ...line,
                refundedQuantityMilli: refunded[index] ?? 0,
              })),
              request,
            );
            if (!result.ok) throw new Error(JSON.stringify(result));
            for (const line of result.refund.lines) {
              const index = calculation.lines.findIndex((l) => l.lineId === line.lineId);
              expect(line.amountMinor).toBeGreaterThanOrEqual(0);
              expect(line.pointsReturned).toBeGreaterThanOrEqual(0);
              expect(line.pointsRevoked).toBeGreaterThanOrEqual(0);
              refunded[index] = line.refundedQuantityMilliAfter;
              const total = totals[index];
              if (total) {
                total.amount += line.amountMinor;
                total.returned += line.pointsReturned;
                total.revoked += line.pointsRevoked;
              }
            }
            return result.refund;
          };
          for (const step of plan) {
            // Each step refunds a share of what is left on the chosen lines (at least 0.001).
            const request = step.lineIndexes.flatMap((index) => {
              const line = calculation.lines[index];
              if (!line) return [];
              const left = line.quantityMilli - (refunded[index] ?? 0);
              const quantityMilli = Math.max(1, Math.floor((left * step.fraction) / 100));
              return left > 0 ? [{ lineId: line.lineId, quantity: (quantityMilli / 1000).toFixed(3) }] : [];
            });
            if (request.length > 0) apply(request);
          }
          const rest = calculation.lines.some((line, index) => line.quantityMilli > (refunded[index] ?? 0));
          if (rest) expect(apply(undefined).receiptFullyRefunded).toBe(true);
          calculation.lines.forEach((line, index) => {
            expect(totals[index]).toEqual({
              amount: line.payableMinor,
              returned: line.pointsSpent,
              revoked: line.pointsEarned,
            });
          });
          // Anything more is over the receipt.
          expect(
            computeRefund(
              calculation.lines.map((line) => ({ ...line, refundedQuantityMilli: line.quantityMilli })),
              undefined,
            ),
          ).toMatchObject({ ok: false, code: 'refund_exceeds_receipt' });
        },
      ),
      { numRuns: 200 },
    );
  });
});
