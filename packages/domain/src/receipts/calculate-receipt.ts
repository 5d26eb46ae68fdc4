import {
  formatRational,
  type Rational,
  RATIONAL_ONE,
  RATIONAL_ZERO,
  toSafeNumber,
  UnsafeIntegerError,
  equalRationals,
} from '../money';
import { addLocalDays } from '../time';
import { computeEarnedPoints, type EarnedPoints } from './compute-earned-points';
import { computeLineDiscounts, type LineDiscounts } from './compute-line-discounts';
import { computePointsPayment, type PointsPayment } from './compute-points-payment';
import {
  describeBonusPoints,
  describeCampaignDiscount,
  describeCampaignMultiplier,
  describeTierDiscount,
  describeTierMultiplier,
} from './describe-effect';
import { type CampaignMatch, matchCampaigns, normalizeCouponCode } from './match-campaigns';
import { type NormalizedReceipt, normalizeReceipt } from './normalize-receipt';
import { formatQuantityMilli } from './parse-quantity';
import {
  type ParsedProgram,
  type ParsedTier,
  parseActiveCampaigns,
  parseProgramForReceipts,
  parseTier,
} from './parse-pricing-config';
import type {
  CalculateReceiptInput,
  CalculateReceiptResult,
  MemberContext,
  ReceiptCalculation,
  ReceiptEffect,
  ReceiptLineResult,
  ReceiptProblem,
} from './receipt-types';

type Computed = {
  readonly receipt: NormalizedReceipt;
  readonly member: MemberContext;
  readonly program: ParsedProgram;
  readonly tier: ParsedTier | null;
  readonly matches: readonly CampaignMatch[];
  readonly discounts: LineDiscounts;
  readonly payment: PointsPayment;
  readonly earned: EarnedPoints;
};

const buildEffects = ({ receipt, member, program, tier, matches, discounts }: Computed): ReceiptEffect[] => {
  const lineIdsWhere = (predicate: (index: number) => boolean): string[] =>
    receipt.lines.filter((_, index) => predicate(index)).map((line) => line.lineId);
  const discountEffect = (sourceIndex: number) => {
    const won = (index: number) => discounts.lines[index]?.sourceIndex === sourceIndex;
    const discountMinor = discounts.lines.reduce((sum, line, index) => (won(index) ? sum + line.discountMinor : sum), 0n);
    return { lineIds: lineIdsWhere(won), discountMinor: toSafeNumber(discountMinor) };
  };
  const earnsOn = (index: number): boolean => {
    const line = receipt.lines[index];
    return line !== undefined && !program.earnExcluded.has(line.category);
  };

  const effects: ReceiptEffect[] = [];
  const tierSourceIndex = discounts.sources.findIndex((source) => source.type === 'tier');
  if (tier !== null && tierSourceIndex >= 0) {
    const { lineIds, discountMinor } = discountEffect(tierSourceIndex);
    const percent = formatRational(tier.discountPercent);
    if (lineIds.length > 0) {
      effects.push({
        campaignId: null,
        tierCode: tier.code,
        source: 'tier',
        kind: 'discount_percent',
        ...describeTierDiscount(tier.name, percent),
        lineIds,
        percent,
        discountMinor,
      });
    }
  }
  if (member !== null && tier !== null && !equalRationals(tier.earnMultiplier, RATIONAL_ONE)) {
    const lineIds = lineIdsWhere(earnsOn);
    const multiplier = formatRational(tier.earnMultiplier);
    if (lineIds.length > 0) {
      effects.push({
        campaignId: null,
        tierCode: tier.code,
        source: 'tier',
        kind: 'earn_multiplier',
        ...describeTierMultiplier(tier.name, multiplier),
        lineIds,
        multiplier,
      });
    }
  }

  matches.forEach((match) => {
    const { campaign, effect } = match;
    const base = { campaignId: campaign.campaignId, tierCode: null, source: 'campaign' } as const;
    const inScope = new Set(match.lineIndexes);
    switch (effect.type) {
      case 'discount_percent': {
        const sourceIndex = discounts.sources.findIndex(
          (source) => source.type === 'campaign' && source.match === match,
        );
        if (sourceIndex < 0) return;
        const { lineIds, discountMinor } = discountEffect(sourceIndex);
        const percent = formatRational(effect.percent);
        if (lineIds.length > 0) {
          effects.push({
            ...base,
            kind: 'discount_percent',
            ...describeCampaignDiscount(campaign.name, percent),
            lineIds,
            percent,
            discountMinor,
          });
        }
        return;
      }
      case 'earn_multiplier': {
        // Anonymous receipts earn nothing, so earning effects would promise what never happens.
        if (member === null) return;
        const lineIds = lineIdsWhere((index) => inScope.has(index) && earnsOn(index));
        const multiplier = formatRational(effect.multiplier);
        if (lineIds.length > 0) {
          effects.push({
            ...base,
            kind: 'earn_multiplier',
            ...describeCampaignMultiplier(campaign.name, multiplier),
            lineIds,
            multiplier,
          });
        }
        return;
      }
      case 'bonus_points': {
        if (member === null || effect.points === 0n) return;
        effects.push({
          ...base,
          kind: 'bonus_points',
          ...describeBonusPoints(campaign.name, effect.points),
          lineIds: lineIdsWhere((index) => inScope.has(index)),
          points: toSafeNumber(effect.points),
        });
        return;
      }
    }
  });
  return effects;
};

const compute = (
  receipt: NormalizedReceipt,
  member: MemberContext,
  program: ParsedProgram,
  tier: ParsedTier | null,
  matches: readonly CampaignMatch[],
): Computed => {
  const discounts = computeLineDiscounts(receipt.lines, tier, matches);
  const netMinor = receipt.lines.map((line, index) => line.amountMinor - (discounts.lines[index]?.discountMinor ?? 0n));
  const payment = computePointsPayment({
    lines: receipt.lines.map((line, index) => ({ category: line.category, netMinor: netMinor[index] ?? 0n })),
    requestedPoints: receipt.pointsToSpend,
    availablePoints: member === null ? null : BigInt(member.availablePoints),
    pointValueMinor: program.pointValueMinor,
    maxPercentOfReceipt: program.maxPercentOfReceipt,
    excludedCategories: program.burnExcluded,
  });
  const earnMatches = member === null ? [] : matches;
  const earned = computeEarnedPoints({
    lines: receipt.lines.map((line, index) => {
      const multipliers: Rational[] = tier === null ? [] : [tier.earnMultiplier];
      for (const match of earnMatches) {
        if (match.effect.type === 'earn_multiplier' && match.lineIndexes.includes(index)) {
          multipliers.push(match.effect.multiplier);
        }
      }
      return {
        category: line.category,
        amountMinor: line.amountMinor,
        discountMinor: discounts.lines[index]?.discountMinor ?? 0n,
        pointsSpentMinor: payment.linePointsSpentMinor[index] ?? 0n,
        multipliers,
      };
    }),
    base: program.program.earn.base,
    // Anonymous receipts are recorded for analytics but earn nothing.
    pointsPerUnit: member === null ? RATIONAL_ZERO : program.pointsPerUnit,
    minorUnitsPerMajor: program.minorUnitsPerMajor,
    rounding: program.program.earn.rounding,
    excludedCategories: program.earnExcluded,
    bonuses: earnMatches.flatMap((match) =>
      match.effect.type === 'bonus_points' ? [{ points: match.effect.points, lineIndexes: match.lineIndexes }] : [],
    ),
  });
  return { receipt, member, program, tier, matches, discounts, payment, earned };
};

const buildCalculation = (computed: Computed): ReceiptCalculation => {
  const { receipt, member, program, discounts, payment, earned } = computed;
  const lines: ReceiptLineResult[] = receipt.lines.map((line, index) => {
    const discountMinor = discounts.lines[index]?.discountMinor ?? 0n;
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
  const sum = (pick: (line: ReceiptLineResult) => number): number => lines.reduce((total, line) => total + pick(line), 0);
  const effects = buildEffects(computed);
  const appliedCampaignIds = [
    ...new Set(effects.flatMap((effect) => (effect.campaignId === null ? [] : [effect.campaignId]))),
  ];
  const appliedCodes = new Set(
    computed.matches
      .filter((match) => match.coupon !== null && appliedCampaignIds.includes(match.campaign.campaignId))
      .map((match) => normalizeCouponCode(match.coupon ?? '')),
  );
  const settings = program.program;
  const activatesAt = addLocalDays(receipt.occurredAt, settings.earn.pendingDays, settings.timezone);
  const expiresAt =
    settings.earn.expiryDays === null ? null : addLocalDays(activatesAt, settings.earn.expiryDays, settings.timezone);
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
    coupons: {
      applied: receipt.coupons.filter(
        (coupon, index) =>
          appliedCodes.has(normalizeCouponCode(coupon)) &&
          receipt.coupons.findIndex((other) => normalizeCouponCode(other) === normalizeCouponCode(coupon)) === index,
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
    const matches = matchCampaigns(campaigns.value, receipt.receipt, program.value.program.timezone);
    const computed = compute(receipt.receipt, input.member, program.value, tier?.value ?? null, matches);
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
