import { getMinorUnitsPerMajor, type Rational, rational, tryParseDecimal } from '../money';
import { type Program, validateProgram } from '../program';
import type { Campaign } from './campaign';
import { parseQuantityMilli } from './parse-quantity';
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
  /** Replaces the program's points-payment share; null = the program's. */
  readonly maxPointsPercent: bigint | null;
};

export type ParsedBundleItem = {
  readonly skus: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
  /** Whole units of this component in one bundle. */
  readonly units: bigint;
};

export type ParsedCampaignEffect =
  | { readonly type: 'earn_multiplier'; readonly multiplier: Rational }
  | { readonly type: 'bonus_points'; readonly points: bigint }
  | { readonly type: 'discount_percent'; readonly percent: Rational }
  | {
      readonly type: 'discount_amount';
      readonly amountMinor: bigint;
      readonly per: 'receipt' | 'line' | 'unit';
    }
  | { readonly type: 'earn_rate'; readonly pointsPerUnit: Rational }
  | { readonly type: 'nth_item_free'; readonly buy: bigint; readonly free: bigint }
  | {
      readonly type: 'bundle_price';
      readonly priceMinor: bigint;
      readonly items: readonly ParsedBundleItem[];
    }
  | { readonly type: 'stamp'; readonly every: bigint }
  | {
      readonly type: 'threshold_reward';
      readonly thresholdMinor: bigint;
      readonly rewardMinor: bigint;
      readonly rewardPoints: bigint;
    }
  | {
      readonly type: 'free_delivery';
      readonly categories: ReadonlySet<string>;
      readonly skus: ReadonlySet<string>;
    }
  | { readonly type: 'issue_coupon'; readonly seriesId: string }
  /** An effect type this version does not know: the campaign is ignored. */
  | { readonly type: 'unsupported' };

export type ParsedCampaign = {
  readonly campaign: Campaign;
  readonly effect: ParsedCampaignEffect;
  /** Minutes since local midnight, [from, to); null = all day. */
  readonly hours: { readonly from: number; readonly to: number } | null;
  readonly minQuantityMilli: bigint | null;
  readonly minAmountMinor: bigint;
  /** The promo code the receipt must carry, normalized; null = none. */
  readonly requiredCoupon: string | null;
  /** Stamps, spend thresholds and server-checked audience rules need the member's state. */
  readonly needsMemberState: boolean;
};

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

type ParsedProgramResult = { ok: true; value: ParsedProgram } | { ok: false; problems: ReceiptProblem[] };

// Program objects come from the server's version cache and are not mutated: one parse per object,
// like the campaigns' (the validation ran on every receipt).
const parsedPrograms = new WeakMap<Program, ParsedProgramResult>();

export const parseProgramForReceipts = (program: Program): ParsedProgramResult => {
  let parsed = parsedPrograms.get(program);
  if (!parsed) {
    parsed = parseProgram(program);
    parsedPrograms.set(program, parsed);
  }
  return parsed;
};

const parseProgram = (program: Program): ParsedProgramResult => {
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
  const maxPointsPercent = tier.maxPointsPercent ?? null;
  const maxPointsPercentValid =
    maxPointsPercent === null ||
    (Number.isInteger(maxPointsPercent) && maxPointsPercent >= 0 && maxPointsPercent <= 100);
  if (!maxPointsPercentValid) {
    problems.push(
      configurationProblem(
        'member.tier.maxPointsPercent',
        'Tier maxPointsPercent must be a whole number from 0 to 100, or null.',
      ),
    );
  }
  if (discountPercent === null || earnMultiplier === null || !maxPointsPercentValid) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      code: tier.code,
      name: tier.name,
      discountPercent,
      earnMultiplier,
      maxPointsPercent: maxPointsPercent === null ? null : BigInt(maxPointsPercent),
    },
  };
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
  const hours = conditions.hours;
  if (hours !== undefined && hours !== null && parseHours(hours) === null) {
    problems.push(
      configurationProblem(
        `${prefix}.conditions.hours`,
        'hours must be { from, to } as "HH:MM" local times.',
      ),
    );
  }
  const minQuantity = conditions.minQuantity;
  if (minQuantity !== undefined && minQuantity !== null && !parseQuantityMilli(minQuantity).ok) {
    problems.push(
      configurationProblem(`${prefix}.conditions.minQuantity`, 'minQuantity must be a decimal string > 0.'),
    );
  }
  return problems;
};

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const parseClock = (value: unknown): number | null => {
  if (typeof value !== 'string') return null;
  if (value === '24:00') return 24 * 60;
  const match = HH_MM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
};

/** "HH:MM" pair as minutes since local midnight; `to` may be "24:00"; from > to wraps midnight. */
export const parseHours = (hours: unknown): { from: number; to: number } | null => {
  if (typeof hours !== 'object' || hours === null) return null;
  const from = parseClock((hours as { from?: unknown }).from);
  const to = parseClock((hours as { to?: unknown }).to);
  if (from === null || to === null || from === to || from === 24 * 60) return null;
  return { from, to };
};

const isPositiveSafeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

const isNonNegativeSafeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const toSet = (value: unknown): ReadonlySet<string> => new Set(isStringList(value) ? value : []);

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
    case 'discount_amount': {
      const per = effect.per ?? 'receipt';
      if (!isNonNegativeSafeInteger(effect.amountMinor) || !['receipt', 'line', 'unit'].includes(per)) {
        return invalidEffect(
          `${prefix}.effect.amountMinor`,
          'amountMinor must be a whole number ≥ 0 and per one of receipt, line, unit.',
        );
      }
      return { ok: true, value: { type: 'discount_amount', amountMinor: BigInt(effect.amountMinor), per } };
    }
    case 'earn_rate': {
      const rate = parseMultiplier(effect.pointsPerUnit);
      return rate === null
        ? invalidEffect(
            `${prefix}.effect.pointsPerUnit`,
            'pointsPerUnit must be a non-negative decimal string.',
          )
        : { ok: true, value: { type: 'earn_rate', pointsPerUnit: rate } };
    }
    case 'nth_item_free':
      return isPositiveSafeInteger(effect.buy) && isPositiveSafeInteger(effect.free)
        ? { ok: true, value: { type: 'nth_item_free', buy: BigInt(effect.buy), free: BigInt(effect.free) } }
        : invalidEffect(`${prefix}.effect.buy`, 'buy and free must be whole numbers ≥ 1.');
    case 'bundle_price': {
      const items = Array.isArray(effect.items) ? effect.items : [];
      const valid =
        isNonNegativeSafeInteger(effect.priceMinor) &&
        items.length > 0 &&
        items.every(
          (item) => typeof item === 'object' && item !== null && isPositiveSafeInteger(item.quantity),
        );
      return valid
        ? {
            ok: true,
            value: {
              type: 'bundle_price',
              priceMinor: BigInt(effect.priceMinor),
              items: items.map((item) => ({
                skus: toSet(item.skus),
                categories: toSet(item.categories),
                units: BigInt(item.quantity),
              })),
            },
          }
        : invalidEffect(
            `${prefix}.effect.items`,
            'bundle_price needs priceMinor ≥ 0 and items, each with a whole quantity ≥ 1.',
          );
    }
    case 'stamp':
      return isPositiveSafeInteger(effect.every) && effect.every >= 2
        ? { ok: true, value: { type: 'stamp', every: BigInt(effect.every) } }
        : invalidEffect(`${prefix}.effect.every`, 'every must be a whole number ≥ 2.');
    case 'threshold_reward': {
      const rewardMinor = effect.rewardMinor ?? 0;
      const rewardPoints = effect.rewardPoints ?? 0;
      return isPositiveSafeInteger(effect.thresholdMinor) &&
        isNonNegativeSafeInteger(rewardMinor) &&
        isNonNegativeSafeInteger(rewardPoints)
        ? {
            ok: true,
            value: {
              type: 'threshold_reward',
              thresholdMinor: BigInt(effect.thresholdMinor),
              rewardMinor: BigInt(rewardMinor),
              rewardPoints: BigInt(rewardPoints),
            },
          }
        : invalidEffect(
            `${prefix}.effect.thresholdMinor`,
            'thresholdMinor must be a whole number ≥ 1; rewardMinor and rewardPoints whole numbers ≥ 0.',
          );
    }
    case 'free_delivery': {
      const categories = effect.categories ?? ['delivery'];
      const skus = effect.skus ?? [];
      return isStringList(categories) && isStringList(skus)
        ? { ok: true, value: { type: 'free_delivery', categories: new Set(categories), skus: new Set(skus) } }
        : invalidEffect(`${prefix}.effect.categories`, 'categories and skus must be lists of strings.');
    }
    case 'issue_coupon':
      return typeof effect.seriesId === 'string' && effect.seriesId.length > 0
        ? { ok: true, value: { type: 'issue_coupon', seriesId: effect.seriesId } }
        : invalidEffect(`${prefix}.effect.seriesId`, 'seriesId must name a coupon series.');
    default:
      return { ok: true, value: { type: 'unsupported' } };
  }
};

const invalidEffect = (field: string, message: string): { ok: false; problem: ReceiptProblem } => ({
  ok: false,
  problem: configurationProblem(field, message),
});

const audienceNeedsMemberState = (campaign: Campaign): boolean => {
  const audience = campaign.audience;
  if (!audience) return false;
  return (
    (audience.newMembersWithinDays !== undefined && audience.newMembersWithinDays !== null) ||
    (audience.birthday !== undefined && audience.birthday !== null) ||
    audience.firstPurchase === true
  );
};

/** Higher priority first, then campaignId, so equal inputs always give equal receipts. */
export const compareCampaigns = (a: Campaign, b: Campaign): number =>
  b.priority - a.priority || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0);

type CampaignParse = { ok: true; value: ParsedCampaign | null } | { ok: false; problems: ReceiptProblem[] };

// Servers hand the same campaign objects to every receipt for a while; parsing them once keeps the
// calculation fast with hundreds of campaigns. The result depends on the object alone (frozen by
// convention: campaigns are never mutated after they are built).
const parseCache = new WeakMap<Campaign, CampaignParse>();

const parseCampaign = (campaign: Campaign): CampaignParse => {
  const cached = parseCache.get(campaign);
  if (cached) return cached;
  const prefix = `campaigns[${campaign.campaignId}]`;
  const problems = checkCampaignConditions(campaign, prefix);
  const effect = parseCampaignEffect(campaign, prefix);
  if (!effect.ok) problems.push(effect.problem);
  let result: CampaignParse;
  if (problems.length > 0 || !effect.ok) result = { ok: false, problems };
  else if (effect.value.type === 'unsupported') result = { ok: true, value: null };
  else {
    const { hours, minQuantity } = campaign.conditions;
    const minQuantityParsed =
      minQuantity === undefined || minQuantity === null ? null : parseQuantityMilli(minQuantity);
    result = {
      ok: true,
      value: {
        campaign,
        effect: effect.value,
        hours: hours === undefined || hours === null ? null : parseHours(hours),
        minQuantityMilli: minQuantityParsed?.ok ? minQuantityParsed.milli : null,
        minAmountMinor: BigInt(campaign.conditions.minAmountMinor),
        requiredCoupon:
          campaign.conditions.coupon === null || campaign.conditions.coupon.trim() === ''
            ? null
            : campaign.conditions.coupon.trim().toUpperCase(),
        needsMemberState:
          effect.value.type === 'stamp' ||
          effect.value.type === 'threshold_reward' ||
          audienceNeedsMemberState(campaign),
      },
    };
  }
  parseCache.set(campaign, result);
  return result;
};

/** Active campaigns, checked and sorted; inactive ones are dropped without being checked. */
export const parseActiveCampaigns = (
  campaigns: readonly Campaign[],
): { ok: true; value: ParsedCampaign[] } | { ok: false; problems: ReceiptProblem[] } => {
  const problems: ReceiptProblem[] = [];
  const parsed: ParsedCampaign[] = [];
  for (const campaign of campaigns) {
    if (campaign.status !== 'active') continue;
    const result = parseCampaign(campaign);
    if (!result.ok) problems.push(...result.problems);
    else if (result.value !== null) parsed.push(result.value);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: parsed.sort((a, b) => compareCampaigns(a.campaign, b.campaign)) };
};
