import { floorDivide, parseDecimal } from '../money';
import { getLocalParts, resolveWallTime } from '../time';
import {
  checkPerks,
  isNonNegativeRateString,
  isPercentString,
  type TierProblem,
} from './validate-tier-ladder';

export const MEMBERSHIP_PERIODS = ['month', 'year', 'lifetime'] as const;
export type MembershipPeriod = (typeof MEMBERSHIP_PERIODS)[number];

/** A paid-membership plan's terms: what it costs, how long a payment lasts, what it gives. */
export type MembershipPlanTerms = {
  readonly code: string;
  readonly name: string;
  readonly period: MembershipPeriod;
  readonly priceMinor: number;
  /** Free days before the first payment; 0 = pay to join. */
  readonly trialDays: number;
  readonly discountPercent: string;
  readonly earnMultiplier: string;
  readonly perks: readonly string[];
  readonly maxPointsPercent: number | null;
  /** Share of the money paid in the ending period credited as points at renewal; null = none. */
  readonly dividendPercent: string | null;
  /** `membership.renewal_due` is emitted this many days before a period ends. */
  readonly renewalNoticeDays: number;
};

const MAX_PLAN_DAYS = 3_650;

const isWhole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

export const validateMembershipPlan = (plan: MembershipPlanTerms): TierProblem[] => {
  const problems: TierProblem[] = [];
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(plan.code))
    problems.push({ field: 'code', message: 'must match ^[A-Za-z0-9._:-]{1,64}$' });
  if (plan.name.trim().length === 0 || plan.name.length > 200)
    problems.push({ field: 'name', message: 'must be 1 to 200 characters' });
  if (!MEMBERSHIP_PERIODS.includes(plan.period))
    problems.push({ field: 'period', message: `must be one of ${MEMBERSHIP_PERIODS.join(', ')}` });
  if (!isWhole(plan.priceMinor, 0, Number.MAX_SAFE_INTEGER))
    problems.push({ field: 'priceMinor', message: 'must be a whole number ≥ 0' });
  if (!isWhole(plan.trialDays, 0, MAX_PLAN_DAYS))
    problems.push({ field: 'trialDays', message: `must be 0 to ${MAX_PLAN_DAYS}` });
  if (!isWhole(plan.renewalNoticeDays, 0, 365))
    problems.push({ field: 'renewalNoticeDays', message: 'must be 0 to 365' });
  if (!isPercentString(plan.discountPercent))
    problems.push({ field: 'discountPercent', message: 'must be a decimal string from "0" to "100"' });
  if (!isNonNegativeRateString(plan.earnMultiplier))
    problems.push({ field: 'earnMultiplier', message: 'must be a non-negative decimal string' });
  if (plan.dividendPercent !== null && !isPercentString(plan.dividendPercent)) {
    problems.push({
      field: 'dividendPercent',
      message: 'must be a decimal string from "0" to "100", or null',
    });
  }
  if (plan.maxPointsPercent !== null && !isWhole(plan.maxPointsPercent, 0, 100)) {
    problems.push({ field: 'maxPointsPercent', message: 'must be a whole percent from 0 to 100, or null' });
  }
  problems.push(...checkPerks(plan.perks, 'perks'));
  if (plan.period === 'lifetime' && plan.trialDays > 0)
    problems.push({ field: 'trialDays', message: 'a lifetime plan has no trial' });
  return problems;
};

/**
 * The same local wall time `months` calendar months later; a day the target month lacks is
 * clamped to its last day (31 January + 1 month = 28/29 February), as card subscriptions do.
 */
export const addLocalMonths = (instant: Date, months: number, timeZone: string): Date => {
  const local = getLocalParts(instant, timeZone);
  const monthIndex = local.month - 1 + months;
  const year = local.year + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return resolveWallTime({ ...local, year, month, day: Math.min(local.day, lastDay) }, timeZone);
};

/** When a period paid (or started) at `start` ends: an exclusive bound; null = never (lifetime). */
export const computeMembershipPeriodEnd = (
  start: Date,
  period: MembershipPeriod,
  timeZone: string,
): Date | null => {
  switch (period) {
    case 'month':
      return addLocalMonths(start, 1, timeZone);
    case 'year':
      return addLocalMonths(start, 12, timeZone);
    case 'lifetime':
      return null;
  }
};

/**
 * Dividend points for a renewal: `dividendPercent` of the money paid in the ending period,
 * converted at what one point pays, rounded down once (a member never gets more than promised).
 */
export const computeDividendPoints = (input: {
  readonly spendMinor: number;
  readonly dividendPercent: string;
  readonly pointValueMinor: number;
}): number => {
  if (input.spendMinor <= 0 || input.pointValueMinor <= 0) return 0;
  const percent = parseDecimal(input.dividendPercent);
  const points = floorDivide(
    BigInt(input.spendMinor) * percent.num,
    percent.den * 100n * BigInt(input.pointValueMinor),
  );
  return Number(points);
};
