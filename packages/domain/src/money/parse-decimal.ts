import { type Rational, rational } from './rational';

// Rates, multipliers and percentages travel as decimal strings ("0.05"). Only plain positional
// notation is accepted: exponents, "NaN", "Infinity", thousands separators, commas, leading "+"
// and bare dots are all rejected, so a value cannot silently change meaning on its way in.
const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

// Bounds the bigint work a single hostile string can cause.
export const MAX_DECIMAL_LENGTH = 64;

export type InvalidDecimalReason = 'not_a_string' | 'empty' | 'too_long' | 'malformed' | 'too_many_decimals';

export class InvalidDecimalError extends Error {
  readonly code = 'invalid_decimal';

  constructor(
    readonly input: unknown,
    readonly reason: InvalidDecimalReason,
  ) {
    super(`Invalid decimal ${JSON.stringify(String(input))}: ${reason.replaceAll('_', ' ')}`);
    this.name = 'InvalidDecimalError';
  }
}

export type DecimalParseResult =
  | { readonly ok: true; readonly value: Rational }
  | { readonly ok: false; readonly error: InvalidDecimalError };

type DecimalParts = { readonly negative: boolean; readonly integer: string; readonly fraction: string };

const splitDecimal = (input: unknown): DecimalParts | InvalidDecimalError => {
  if (typeof input !== 'string') return new InvalidDecimalError(input, 'not_a_string');
  if (input.length === 0) return new InvalidDecimalError(input, 'empty');
  if (input.length > MAX_DECIMAL_LENGTH) return new InvalidDecimalError(input, 'too_long');
  const match = DECIMAL_PATTERN.exec(input);
  if (!match) return new InvalidDecimalError(input, 'malformed');
  return { negative: match[1] === '-', integer: match[2] ?? '0', fraction: match[3] ?? '' };
};

export const tryParseDecimal = (input: unknown): DecimalParseResult => {
  const parts = splitDecimal(input);
  if (parts instanceof InvalidDecimalError) return { ok: false, error: parts };
  const digits = BigInt(parts.integer + parts.fraction);
  const value = rational(parts.negative ? -digits : digits, 10n ** BigInt(parts.fraction.length));
  return { ok: true, value };
};

/** Exact decimal string -> rational; throws InvalidDecimalError on anything else. */
export const parseDecimal = (input: string): Rational => {
  const result = tryParseDecimal(input);
  if (!result.ok) throw result.error;
  return result.value;
};

/**
 * A decimal with at most `scale` fraction digits, as an integer of 10^-scale units:
 * `parseScaledDecimal("1.5", 3)` is 1500n (milli-units). More digits than `scale` are an error,
 * never rounded away.
 */
export const tryParseScaledDecimal = (
  input: unknown,
  scale: number,
):
  | { readonly ok: true; readonly value: bigint }
  | { readonly ok: false; readonly error: InvalidDecimalError } => {
  const parts = splitDecimal(input);
  if (parts instanceof InvalidDecimalError) return { ok: false, error: parts };
  if (parts.fraction.length > scale) {
    return { ok: false, error: new InvalidDecimalError(input, 'too_many_decimals') };
  }
  const digits = BigInt(parts.integer + parts.fraction.padEnd(scale, '0'));
  return { ok: true, value: parts.negative ? -digits : digits };
};

export const parseScaledDecimal = (input: string, scale: number): bigint => {
  const result = tryParseScaledDecimal(input, scale);
  if (!result.ok) throw result.error;
  return result.value;
};

export const isDecimalString = (input: unknown): input is string => tryParseDecimal(input).ok;

export const isNonNegativeDecimalString = (input: unknown): input is string => {
  const result = tryParseDecimal(input);
  return result.ok && result.value.num >= 0n;
};
