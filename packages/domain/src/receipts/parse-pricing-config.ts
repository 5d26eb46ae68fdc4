import { getMinorUnitsPerMajor, type Rational, rational, tryParseDecimal } from '../money';
import { type Program, validateProgram } from '../program';
import type { Campaign } from './campaign';
import type { MemberTier, ReceiptProblem } from './receipt-types';

// Program, tier and campaign rows are validated when they are written; this re-checks what
// the calculation depends on, so a bad row yields a typed problem instead of a wrong receipt.

export type ParsedProgram = {
  readonly program: Program;
  readonly pointsPerUnit: Rational;
  readonly minorUnitsPerMajor: bigint;
  readonly pointValueMinor: bigint;
  readonly maxPercentOfReceipt: bigint;
  readonly earnExcluded: ReadonlySet<string>;
  readonly burnExcluded: ReadonlySet<string>;
};

export type ParsedTier = {
  readonly code: string;
  readonly name: string;
  readonly discountPercent: Rational;
  readonly earnMultiplier: Rational;
};

export type ParsedCampaignEffect =
  | { readonly type: 'earn_multiplier'; readonly multiplier: Rational }
  | { readonly type: 'bonus_points'; readonly points: bigint }
  | { readonly type: 'discount_percent'; readonly percent: Rational }
  /** An effect type this version does not know: the campaign is ignored. */
  | { readonly type: 'unsupported' };

export type ParsedCampaign = { readonly campaign: Campaign; readonly effect: ParsedCampaignEffect };

const HUNDRED = rational(100n);

const configurationProblem = (field: string, message: string): ReceiptProblem => ({
  code: 'invalid_configuration',
  field,
  message,
});

const parsePercent = (value: unknown): Rational | null => {
  const parsed = tryParseDecimal(value);
  if (!parsed.ok || parsed.value.num < 0n) return null;
  // percent ≤ 100 ⇔ num ≤ 100 × den
  return parsed.value.num <= HUNDRED.num * parsed.value.den ? parsed.value : null;
};

const parseMultiplier = (value: unknown): Rational | null => {
  const parsed = tryParseDecimal(value);
  return parsed.ok && parsed.value.num >= 0n ? parsed.value : null;
};

export const parseProgramForReceipts = (
  program: Program,
): { ok: true; value: ParsedProgram } | { ok: false; problems: ReceiptProblem[] } => {
  const problems = validateProgram(program).map((problem) =>
    configurationProblem(`program.${problem.field}`, problem.message),
  );
  const rate = tryParseDecimal(program.earn?.pointsPerUnit);
  if (problems.length > 0 || !rate.ok) return { ok: false, problems };
  return {
    ok: true,
    value: {
      program,
      pointsPerUnit: rate.value,
      minorUnitsPerMajor: getMinorUnitsPerMajor(program.currency),
      pointValueMinor: BigInt(program.pointValueMinor),
      maxPercentOfReceipt: BigInt(program.burn.maxPercentOfReceipt),
      earnExcluded: new Set(program.earn.excludedCategories),
      burnExcluded: new Set(program.burn.excludedCategories),
    },
  };
};

export const parseTier = (
  tier: MemberTier,
): { ok: true; value: ParsedTier } | { ok: false; problems: ReceiptProblem[] } => {
  const discountPercent = parsePercent(tier.discountPercent);
  const earnMultiplier = parseMultiplier(tier.earnMultiplier);
  const problems: ReceiptProblem[] = [];
  if (discountPercent === null) {
    problems.push(
      configurationProblem(
        'member.tier.discountPercent',
        'Tier discountPercent must be a decimal string from 0 to 100.',
      ),
    );
  }
  if (earnMultiplier === null) {
    problems.push(
      configurationProblem(
        'member.tier.earnMultiplier',
        'Tier earnMultiplier must be a non-negative decimal string.',
      ),
    );
  }
  if (discountPercent === null || earnMultiplier === null) return { ok: false, problems };
  return { ok: true, value: { code: tier.code, name: tier.name, discountPercent, earnMultiplier } };
};

const isStringList = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

const isNullableDate = (value: unknown): boolean =>
  value === null || (value instanceof Date && !Number.isNaN(value.getTime()));

const checkCampaignConditions = (campaign: Campaign, prefix: string): ReceiptProblem[] => {
  const problems: ReceiptProblem[] = [];
  const conditions = campaign.conditions;
  if (typeof conditions !== 'object' || conditions === null) {
    return [configurationProblem(`${prefix}.conditions`, 'Campaign conditions must be an object.')];
  }
  const { minAmountMinor, categories, skus, daysOfWeek, coupon } = conditions;
  if (typeof minAmountMinor !== 'number' || !Number.isSafeInteger(minAmountMinor) || minAmountMinor < 0) {
    problems.push(
      configurationProblem(
        `${prefix}.conditions.minAmountMinor`,
        'minAmountMinor must be a whole number ≥ 0.',
      ),
    );
  }
  if (!isStringList(categories)) {
    problems.push(
      configurationProblem(`${prefix}.conditions.categories`, 'categories must be a list of strings.'),
    );
  }
  if (!isStringList(skus)) {
    problems.push(configurationProblem(`${prefix}.conditions.skus`, 'skus must be a list of strings.'));
  }
  if (
    !Array.isArray(daysOfWeek) ||
    !daysOfWeek.every((day) => Number.isInteger(day) && day >= 1 && day <= 7)
  ) {
    problems.push(
      configurationProblem(
        `${prefix}.conditions.daysOfWeek`,
        'daysOfWeek must list ISO days 1 (Monday) to 7.',
      ),
    );
  }
  if (coupon !== null && typeof coupon !== 'string') {
    problems.push(configurationProblem(`${prefix}.conditions.coupon`, 'coupon must be a code or null.'));
  }
  if (!isNullableDate(campaign.startsAt) || !isNullableDate(campaign.endsAt)) {
    problems.push(
      configurationProblem(`${prefix}.startsAt`, 'startsAt and endsAt must be valid instants or null.'),
    );
  }
  if (typeof campaign.priority !== 'number' || !Number.isFinite(campaign.priority)) {
    problems.push(configurationProblem(`${prefix}.priority`, 'priority must be a number.'));
  }
  return problems;
};

const parseCampaignEffect = (
  campaign: Campaign,
  prefix: string,
): { ok: true; value: ParsedCampaignEffect } | { ok: false; problem: ReceiptProblem } => {
  const effect = campaign.effect;
  switch (effect?.type) {
    case 'earn_multiplier': {
      const multiplier = parseMultiplier(effect.multiplier);
      return multiplier === null
        ? {
            ok: false,
            problem: configurationProblem(
              `${prefix}.effect.multiplier`,
              'multiplier must be a non-negative decimal string.',
            ),
          }
        : { ok: true, value: { type: 'earn_multiplier', multiplier } };
    }
    case 'bonus_points':
      return Number.isSafeInteger(effect.points) && effect.points >= 0
        ? { ok: true, value: { type: 'bonus_points', points: BigInt(effect.points) } }
        : {
            ok: false,
            problem: configurationProblem(`${prefix}.effect.points`, 'points must be a whole number ≥ 0.'),
          };
    case 'discount_percent': {
      const percent = parsePercent(effect.percent);
      return percent === null
        ? {
            ok: false,
            problem: configurationProblem(
              `${prefix}.effect.percent`,
              'percent must be a decimal string from 0 to 100.',
            ),
          }
        : { ok: true, value: { type: 'discount_percent', percent } };
    }
    default:
      return { ok: true, value: { type: 'unsupported' } };
  }
};

/** Higher priority first, then campaignId, so equal inputs always give equal receipts. */
export const compareCampaigns = (a: Campaign, b: Campaign): number =>
  b.priority - a.priority || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0);

/** Active campaigns, checked and sorted; inactive ones are dropped without being checked. */
export const parseActiveCampaigns = (
  campaigns: readonly Campaign[],
): { ok: true; value: ParsedCampaign[] } | { ok: false; problems: ReceiptProblem[] } => {
  const problems: ReceiptProblem[] = [];
  const parsed: ParsedCampaign[] = [];
  for (const campaign of campaigns) {
    if (campaign.status !== 'active') continue;
    const prefix = `campaigns[${campaign.campaignId}]`;
    const conditionProblems = checkCampaignConditions(campaign, prefix);
    const effect = parseCampaignEffect(campaign, prefix);
    problems.push(...conditionProblems);
    if (!effect.ok) problems.push(effect.problem);
    else if (conditionProblems.length === 0 && effect.value.type !== 'unsupported') {
      parsed.push({ campaign, effect: effect.value });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: parsed.sort((a, b) => compareCampaigns(a.campaign, b.campaign)) };
};
