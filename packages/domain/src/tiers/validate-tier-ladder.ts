import { tryParseDecimal } from '../money';
import { TIER_METRICS, TIER_WINDOWS, type TierLadder, thresholdField, thresholdOf } from './tier-ladder';

export type TierProblem = { readonly field: string; readonly message: string };

export const MAX_TIERS = 50;
export const MAX_TIER_DAYS = 36_500;
export const MAX_PERKS = 50;
export const TIER_CODE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const PERK_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

/** A decimal string from 0 to 100 (a percentage). */
export const isPercentString = (value: unknown): boolean => {
  const parsed = tryParseDecimal(value);
  return parsed.ok && parsed.value.num >= 0n && parsed.value.num <= 100n * parsed.value.den;
};

/** A decimal string ≥ 0 (a multiplier or a rate). */
export const isNonNegativeRateString = (value: unknown): boolean => {
  const parsed = tryParseDecimal(value);
  return parsed.ok && parsed.value.num >= 0n;
};

export const checkPerks = (perks: unknown, field: string): TierProblem[] => {
  if (perks === undefined) return [];
  if (!Array.isArray(perks) || perks.length > MAX_PERKS) {
    return [{ field, message: `must be a list of at most ${MAX_PERKS} perk names` }];
  }
  const problems: TierProblem[] = [];
  perks.forEach((perk, i) => {
    if (typeof perk !== 'string' || !PERK_PATTERN.test(perk)) {
      problems.push({ field: `${field}.${i}`, message: 'a perk is a lower-case name such as free_delivery' });
    }
  });
  if (new Set(perks).size !== perks.length) problems.push({ field, message: 'lists a perk twice' });
  return problems;
};

/**
 * Everything wrong with a ladder, each with a dotted field path ('tiers.1.qualifyingSpendMinor').
 * Codes are unique, the first (entry) tier starts at 0 and thresholds strictly increase in the
 * order given, so "the highest tier whose threshold the metric reaches" is always well defined.
 */
export const validateTierLadder = (ladder: TierLadder): TierProblem[] => {
  const problems: TierProblem[] = [];
  if (!isWholeNumber(ladder.windowDays, 1, MAX_TIER_DAYS)) {
    problems.push({
      field: 'windowDays',
      message: `must be a whole number of days from 1 to ${MAX_TIER_DAYS}`,
    });
  }
  if (ladder.metric !== undefined && !TIER_METRICS.includes(ladder.metric)) {
    problems.push({ field: 'metric', message: `must be one of ${TIER_METRICS.join(', ')}` });
  }
  if (ladder.window !== undefined && !TIER_WINDOWS.includes(ladder.window)) {
    problems.push({ field: 'window', message: `must be one of ${TIER_WINDOWS.join(', ')}` });
  }
  for (const key of ['graceDays', 'minStayDays'] as const) {
    if (ladder[key] !== undefined && !isWholeNumber(ladder[key], 0, MAX_TIER_DAYS)) {
      problems.push({ field: key, message: `must be a whole number of days from 0 to ${MAX_TIER_DAYS}` });
    }
  }
  if (ladder.statusPointsPerUnit !== undefined && !isNonNegativeRateString(ladder.statusPointsPerUnit)) {
    problems.push({
      field: 'statusPointsPerUnit',
      message: 'must be a non-negative decimal string such as "1"',
    });
  }
  if (!Array.isArray(ladder.tiers) || ladder.tiers.length > MAX_TIERS) {
    problems.push({ field: 'tiers', message: `must be a list of at most ${MAX_TIERS} tiers` });
    return problems;
  }
  const metric = TIER_METRICS.includes(ladder.metric as never) ? (ladder.metric ?? 'spend') : 'spend';
  const thresholdKey = thresholdField(metric);
  const seen = new Set<string>();
  ladder.tiers.forEach((tier, i) => {
    const at = `tiers.${i}`;
    if (typeof tier.code !== 'string' || !TIER_CODE_PATTERN.test(tier.code)) {
      problems.push({ field: `${at}.code`, message: 'must match ^[A-Za-z0-9._:-]{1,64}$' });
    } else if (seen.has(tier.code)) {
      problems.push({
        field: `${at}.code`,
        message: `'${tier.code}' is used by an earlier tier; codes must be unique`,
      });
    }
    seen.add(tier.code);
    if (typeof tier.name !== 'string' || tier.name.trim().length === 0 || tier.name.length > 200) {
      problems.push({ field: `${at}.name`, message: 'must be 1 to 200 characters' });
    }
    for (const key of ['qualifyingSpendMinor', 'qualifyingStatusPoints', 'qualifyingVisits'] as const) {
      if (tier[key] !== undefined && !isWholeNumber(tier[key], 0, Number.MAX_SAFE_INTEGER)) {
        problems.push({ field: `${at}.${key}`, message: 'must be a whole number ≥ 0' });
      }
    }
    if (tier[thresholdKey] === undefined) {
      problems.push({
        field: `${at}.${thresholdKey}`,
        message: `is required: the ladder qualifies by ${metric}`,
      });
    }
    if (!isPercentString(tier.discountPercent)) {
      problems.push({
        field: `${at}.discountPercent`,
        message: 'must be a decimal string from "0" to "100"',
      });
    }
    if (!isNonNegativeRateString(tier.earnMultiplier)) {
      problems.push({
        field: `${at}.earnMultiplier`,
        message: 'must be a non-negative decimal string such as "1.5"',
      });
    }
    problems.push(...checkPerks(tier.perks, `${at}.perks`));
    if (tier.maxPointsPercent !== undefined && !isWholeNumber(tier.maxPointsPercent, 0, 100)) {
      problems.push({ field: `${at}.maxPointsPercent`, message: 'must be a whole percent from 0 to 100' });
    }
  });
  const first = ladder.tiers[0];
  if (first !== undefined && first[thresholdKey] !== undefined && thresholdOf(first, metric) !== 0) {
    problems.push({
      field: `tiers.0.${thresholdKey}`,
      message: 'the entry (first) tier must start at 0 so every member has a tier',
    });
  }
  for (let i = 1; i < ladder.tiers.length; i++) {
    const prev = ladder.tiers[i - 1]!;
    const tier = ladder.tiers[i]!;
    if (prev[thresholdKey] === undefined || tier[thresholdKey] === undefined) continue;
    if (thresholdOf(tier, metric) <= thresholdOf(prev, metric)) {
      problems.push({
        field: `tiers.${i}.${thresholdKey}`,
        message: `must be greater than the previous tier's (${thresholdOf(prev, metric)}): list tiers from lowest to highest`,
      });
    }
  }
  return problems;
};
