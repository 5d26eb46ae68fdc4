import { isCurrencyCode, isNonNegativeDecimalString, isRoundingMode, ROUNDING_MODES } from '../money';
import { isValidTimeZone } from '../time';
import { EARN_BASES, REFUND_POLICIES } from './program';

/** One thing wrong with a program; `field` is a dotted path ('earn.pointsPerUnit'). */
export type ProgramProblem = { readonly field: string; readonly message: string };

// Day counts feed calendar arithmetic; a century is far beyond any real program and keeps
// dates inside what Date can represent.
export const MAX_PROGRAM_DAYS = 36_500;
export const MAX_PROGRAM_NAME_LENGTH = 200;
export const MAX_EXCLUDED_CATEGORIES = 1_000;

type Record_ = Readonly<Record<string, unknown>>;

const isPlainObject = (value: unknown): value is Record_ =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SHAPE = {
  name: true,
  currency: true,
  timezone: true,
  pointValueMinor: true,
  earn: {
    pointsPerUnit: true,
    rounding: true,
    base: true,
    excludedCategories: true,
    pendingDays: true,
    expiryDays: true,
  },
  burn: { maxPercentOfReceipt: true, excludedCategories: true },
  refund: { policy: true },
  receipts: { maxDelayDays: true },
} as const;

type Shape = { readonly [key: string]: true | Shape };

const collectUnknownFields = (
  value: Record_,
  shape: Shape,
  prefix: string,
  problems: ProgramProblem[],
): void => {
  for (const key of Object.keys(value)) {
    const expected = shape[key];
    const field = `${prefix}${key}`;
    if (expected === undefined) {
      problems.push({ field, message: `Unknown setting "${field}"; remove it.` });
    } else if (expected !== true) {
      const nested = value[key];
      if (isPlainObject(nested)) collectUnknownFields(nested, expected, `${field}.`, problems);
      else problems.push({ field, message: `"${field}" must be an object.` });
    }
  }
  for (const key of Object.keys(shape)) {
    if (!(key in value))
      problems.push({ field: `${prefix}${key}`, message: `"${prefix}${key}" is required.` });
  }
};

const checkInteger = (
  value: unknown,
  field: string,
  min: number,
  max: number,
  problems: ProgramProblem[],
): void => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push({ field, message: `"${field}" must be a whole number from ${min} to ${max}.` });
  }
};

const checkCategories = (value: unknown, field: string, problems: ProgramProblem[]): void => {
  if (
    !Array.isArray(value) ||
    value.length > MAX_EXCLUDED_CATEGORIES ||
    !value.every((category) => typeof category === 'string' && category.length > 0)
  ) {
    problems.push({
      field,
      message: `"${field}" must be a list of category names (non-empty strings, at most ${MAX_EXCLUDED_CATEGORIES}).`,
    });
  }
};

const checkOneOf = (
  value: unknown,
  field: string,
  allowed: readonly string[],
  problems: ProgramProblem[],
): void => {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push({ field, message: `"${field}" must be one of: ${allowed.join(', ')}.` });
  }
};

const asRecord = (value: unknown): Record_ => (isPlainObject(value) ? value : {});

/**
 * Every problem with a complete program (e.g. after merging a PATCH), or an empty list.
 * Accepts `unknown` so it can check what came from a request or the database as it is.
 */
export const validateProgram = (candidate: unknown): ProgramProblem[] => {
  if (!isPlainObject(candidate)) return [{ field: '', message: 'The program must be a JSON object.' }];
  const problems: ProgramProblem[] = [];
  collectUnknownFields(candidate, SHAPE, '', problems);
  const { name, currency, timezone, pointValueMinor } = candidate;
  if (
    'name' in candidate &&
    (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_PROGRAM_NAME_LENGTH)
  ) {
    problems.push({
      field: 'name',
      message: `"name" must be a non-empty text of at most ${MAX_PROGRAM_NAME_LENGTH} characters.`,
    });
  }
  if ('currency' in candidate && !isCurrencyCode(currency)) {
    problems.push({
      field: 'currency',
      message: '"currency" must be an ISO 4217 code of three capital letters, like "RUB".',
    });
  }
  if ('timezone' in candidate && !isValidTimeZone(timezone)) {
    problems.push({
      field: 'timezone',
      message: '"timezone" must be an IANA time zone name, like "Europe/Moscow".',
    });
  }
  if ('pointValueMinor' in candidate) {
    // Zero would make the points cap a division by zero and points worthless.
    checkInteger(pointValueMinor, 'pointValueMinor', 1, Number.MAX_SAFE_INTEGER, problems);
  }

  const earn = asRecord(candidate.earn);
  if ('pointsPerUnit' in earn && !isNonNegativeDecimalString(earn.pointsPerUnit)) {
    problems.push({
      field: 'earn.pointsPerUnit',
      message:
        '"earn.pointsPerUnit" must be a non-negative decimal string, like "0.05" (no exponent, dot as separator).',
    });
  }
  if ('rounding' in earn && !isRoundingMode(earn.rounding)) {
    problems.push({
      field: 'earn.rounding',
      message: `"earn.rounding" must be one of: ${ROUNDING_MODES.join(', ')}.`,
    });
  }
  if ('base' in earn) checkOneOf(earn.base, 'earn.base', EARN_BASES, problems);
  if ('excludedCategories' in earn)
    checkCategories(earn.excludedCategories, 'earn.excludedCategories', problems);
  if ('pendingDays' in earn)
    checkInteger(earn.pendingDays, 'earn.pendingDays', 0, MAX_PROGRAM_DAYS, problems);
  if ('expiryDays' in earn && earn.expiryDays !== null) {
    checkInteger(earn.expiryDays, 'earn.expiryDays', 0, MAX_PROGRAM_DAYS, problems);
  }

  const burn = asRecord(candidate.burn);
  if ('maxPercentOfReceipt' in burn) {
    checkInteger(burn.maxPercentOfReceipt, 'burn.maxPercentOfReceipt', 0, 100, problems);
  }
  if ('excludedCategories' in burn)
    checkCategories(burn.excludedCategories, 'burn.excludedCategories', problems);

  const refund = asRecord(candidate.refund);
  if ('policy' in refund) checkOneOf(refund.policy, 'refund.policy', REFUND_POLICIES, problems);

  const receipts = asRecord(candidate.receipts);
  if ('maxDelayDays' in receipts) {
    checkInteger(receipts.maxDelayDays, 'receipts.maxDelayDays', 0, MAX_PROGRAM_DAYS, problems);
  }
  return problems;
};
