import {
  addRationals,
  compareRationals,
  divideRationals,
  formatRational,
  multiplyRationals,
  RATIONAL_ONE,
  RATIONAL_ZERO,
  rational,
  roundRational,
  subtractRationals,
  toSafeNumber,
  UnsafeIntegerError,
} from '../money';
import { addLocalDays } from '../time';
import { buildReceiptEffects } from './build-receipt-effects';
import { computeReceiptFigures, type ReceiptComputation } from './compute-receipt-figures';
import { type CampaignMatch, matchCampaigns, normalizeCouponCode } from './match-campaigns';
import { normalizeReceipt } from './normalize-receipt';
import { parseActiveCampaigns, parseProgramForReceipts, parseTier } from './parse-pricing-config';
import { formatQuantityMilli } from './parse-quantity';
import type {
  CalculateReceiptInput,
  CalculateReceiptResult,
  CampaignUsage,
  ReceiptCalculation,
  ReceiptEffect,
  ReceiptLineResult,
  ReceiptProblem,
} from './receipt-types';

/**
 * Each applied campaign's cost for budgets: the money its effects took off, and the points it
 * added — bonus and reward points, plus for a multiplier or rate the share of its lines' exact
 * points that exists because of it (`p × (m − 1) / m`, `p × (r − base) / r`), so a budget in
 * points counts what the campaign gave on top of everything else.
 */
const computeCampaignUsage = (
  computed: ReceiptComputation,
  effects: readonly ReceiptEffect[],
  appliedCampaignIds: readonly string[],
): CampaignUsage[] => {
  const { matches, earned, campaignDiscounts, earnRateMatches, program, member } = computed;
  const matchById = new Map<string, CampaignMatch>();
  for (const match of matches) {
    if (!matchById.has(match.campaign.campaignId)) matchById.set(match.campaign.campaignId, match);
  }
  const moneyById = new Map<string, number>();
  for (const effect of effects) {
    if (effect.campaignId !== null) {
      moneyById.set(effect.campaignId, (moneyById.get(effect.campaignId) ?? 0) + (effect.discountMinor ?? 0));
    }
  }
  return appliedCampaignIds.map((campaignId) => {
    const match = matchById.get(campaignId);
    const discountMinor = moneyById.get(campaignId) ?? 0;
    let points = RATIONAL_ZERO;
    const applied = match === undefined ? undefined : campaignDiscounts.byMatch.get(match);
    if (match !== undefined && member !== null) {
      const { effect } = match;
      if (effect.type === 'bonus_points') points = rational(effect.points);
      if (applied?.detail.type === 'threshold') points = rational(applied.detail.rewardPoints);
      if (effect.type === 'earn_multiplier' && compareRationals(effect.multiplier, RATIONAL_ONE) > 0) {
        const share = divideRationals(subtractRationals(effect.multiplier, RATIONAL_ONE), effect.multiplier);
        for (const index of match.lineIndexes) {
          points = addRationals(
            points,
            multiplyRationals(earned.lineRateExact[index] ?? RATIONAL_ZERO, share),
          );
        }
      }
      if (effect.type === 'earn_rate' && compareRationals(effect.pointsPerUnit, program.pointsPerUnit) > 0) {
        const share = divideRationals(
          subtractRationals(effect.pointsPerUnit, program.pointsPerUnit),
          effect.pointsPerUnit,
        );
        earnRateMatches.forEach((winner, index) => {
          if (winner === match) {
            points = addRationals(
              points,
              multiplyRationals(earned.lineRateExact[index] ?? RATIONAL_ZERO, share),
            );
          }
        });
      }
    }
    const detail = applied?.detail;
    return {
      campaignId,
      discountMinor,
      points: toSafeNumber(roundRational(points, 'half_up')),
      coupon: match?.coupon ?? null,
      stamps: detail?.type === 'stamp' ? toSafeNumber(detail.stampsAdded) : 0,
      spendMinor: detail?.type === 'threshold' ? toSafeNumber(detail.spendAddedMinor) : 0,
      issueCouponSeriesId:
        match?.effect.type === 'issue_coupon' && member !== null ? match.effect.seriesId : null,
    };
  });
};

const buildCalculation = (computed: ReceiptComputation): ReceiptCalculation => {
  const { receipt, member, program, discounts, payment, earned } = computed;
  const lines: ReceiptLineResult[] = receipt.lines.map((line, index) => {
    const discountMinor = computed.lineDiscountMinor[index] ?? 0n;
    const pointsSpentMinor = payment.linePointsSpentMinor[index] ?? 0n;
    return {
      lineId: line.lineId,
      sku: line.sku,
      category: line.category,
      quantity: formatQuantityMilli(line.quantityMilli),
      quantityMilli: toSafeNumber(line.quantityMilli),
      amountMinor: toSafeNumber(line.amountMinor),
      discountMinor: toSafeNumber(discountMinor),
      pointsSpent: toSafeNumber(payment.linePointsSpent[index] ?? 0n),
      pointsSpentMinor: toSafeNumber(pointsSpentMinor),
      payableMinor: toSafeNumber(line.amountMinor - discountMinor - pointsSpentMinor),
      pointsEarned: toSafeNumber(earned.linePoints[index] ?? 0n),
      discountPercent: formatRational(discounts.lines[index]?.percent ?? RATIONAL_ZERO),
    };
  });
  const sum = (pick: (line: ReceiptLineResult) => number): number =>
    lines.reduce((total, line) => total + pick(line), 0);
  const effects = buildReceiptEffects(computed);
  const appliedCampaignIds = [
    ...new Set(effects.flatMap((effect) => (effect.campaignId === null ? [] : [effect.campaignId]))),
  ];
  const appliedSet = new Set(appliedCampaignIds);
  const appliedCodes = new Set(
    computed.matches
      .filter((match) => match.coupon !== null && appliedSet.has(match.campaign.campaignId))
      .map((match) => normalizeCouponCode(match.coupon ?? '')),
  );
  const settings = program.program;
  const activatesAt = addLocalDays(receipt.occurredAt, settings.earn.pendingDays, settings.timezone);
  const expiresAt =
    settings.earn.expiryDays === null
      ? null
      : addLocalDays(activatesAt, settings.earn.expiryDays, settings.timezone);
  const requested = toSafeNumber(receipt.pointsToSpend);
  return {
    receiptId: receipt.receiptId,
    occurredAt: receipt.occurredAt,
    memberId: member?.memberId ?? null,
    currency: settings.currency,
    // Line figures are exact integers that were split to add up, so summing them is the total.
    totals: {
      amountMinor: sum((line) => line.amountMinor),
      discountMinor: sum((line) => line.discountMinor),
      pointsSpent: toSafeNumber(payment.pointsSpent),
      pointsSpentMinor: toSafeNumber(payment.pointsSpentMinor),
      payableMinor: sum((line) => line.payableMinor),
      pointsEarned: toSafeNumber(earned.points),
      maxPointsToSpend: toSafeNumber(payment.maxPointsToSpend),
    },
    lines,
    effects,
    earn: {
      points: toSafeNumber(earned.points),
      ratePoints: toSafeNumber(earned.ratePoints),
      bonusPoints: toSafeNumber(earned.bonusPoints),
      activatesAt,
      expiresAt,
    },
    spend: {
      requested,
      applied: toSafeNumber(payment.pointsSpent),
      maxByRules: toSafeNumber(payment.maxByRules),
      available: toSafeNumber(payment.available),
    },
    spendRequested: requested,
    appliedCampaignIds,
    campaignUsage: computeCampaignUsage(computed, effects, appliedCampaignIds),
    freeDelivery: computed.campaignDiscounts.freeDelivery,
    coupons: {
      applied: receipt.coupons.filter(
        (coupon, index) =>
          appliedCodes.has(normalizeCouponCode(coupon)) &&
          receipt.coupons.findIndex((other) => normalizeCouponCode(other) === normalizeCouponCode(coupon)) ===
            index,
      ),
      unused: receipt.coupons.filter((coupon) => !appliedCodes.has(normalizeCouponCode(coupon))),
    },
  };
};

/**
 * Prices a receipt for a member (or anonymously): campaign matching, per-line discounts, the
 * points-payment cap and split, points earned with their activation and expiry. Pure and
 * deterministic: same input, same output, no clock reads (`now` only stands in for a missing
 * `occurredAt`). Bad input comes back as typed problems, never as an exception.
 */
export const calculateReceipt = (input: CalculateReceiptInput): CalculateReceiptResult => {
  const problems: ReceiptProblem[] = [];
  const receipt = normalizeReceipt(input.receipt, input.now);
  if (!receipt.ok) problems.push(...receipt.problems);
  const program = parseProgramForReceipts(input.program);
  if (!program.ok) problems.push(...program.problems);
  const tierInput = input.member?.tier ?? null;
  const tier = tierInput === null ? null : parseTier(tierInput);
  if (tier !== null && !tier.ok) problems.push(...tier.problems);
  const campaigns = parseActiveCampaigns(input.campaigns);
  if (!campaigns.ok) problems.push(...campaigns.problems);
  if (input.member !== null && !Number.isSafeInteger(input.member.availablePoints)) {
    problems.push({
      code: 'invalid_configuration',
      field: 'member.availablePoints',
      message: 'availablePoints must be a whole number.',
    });
  }
  if (!receipt.ok || !program.ok || (tier !== null && !tier.ok) || !campaigns.ok || problems.length > 0) {
    return { ok: false, problems };
  }
  try {
    const matches = matchCampaigns(
      campaigns.value,
      receipt.receipt,
      program.value.program.timezone,
      input.member === null ? null : { memberId: input.member.memberId, tierCode: tier?.value.code ?? null },
    );
    const computed = computeReceiptFigures(
      receipt.receipt,
      input.member,
      program.value,
      tier?.value ?? null,
      matches,
    );
    return { ok: true, calculation: buildCalculation(computed) };
  } catch (error) {
    // Only an absurd configuration (a huge multiplier on a huge receipt) gets here.
    if (error instanceof UnsafeIntegerError) {
      return {
        ok: false,
        problems: [
          {
            code: 'amount_too_large',
            field: 'receipt',
            message: 'The figures of this receipt exceed the largest exact integer; split the receipt.',
          },
        ],
      };
    }
    throw error;
  }
};
