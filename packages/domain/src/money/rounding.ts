import type { Rational } from './rational';

export const ROUNDING_MODES = ['floor', 'ceil', 'half_up', 'half_even'] as const;

/**
 * `floor` / `ceil` go towards −∞ / +∞; `half_up` rounds halves away from zero (the commercial
 * rule the contract means for line discounts); `half_even` rounds halves to the even neighbour.
 */
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export const isRoundingMode = (value: unknown): value is RoundingMode =>
  typeof value === 'string' && (ROUNDING_MODES as readonly string[]).includes(value);

/** Floor division for bigint (the `/` operator truncates towards zero). */
export const floorDivide = (num: bigint, den: bigint): bigint => {
  if (den === 0n) throw new RangeError('Division by zero');
  const quotient = num / den;
  return num % den !== 0n && num < 0n !== den < 0n ? quotient - 1n : quotient;
};

export const ceilDivide = (num: bigint, den: bigint): bigint => -floorDivide(-num, den);

const roundHalf = (value: Rational, mode: 'half_up' | 'half_even'): bigint => {
  const negative = value.num < 0n;
  const magnitude = negative ? -value.num : value.num;
  const whole = magnitude / value.den;
  const twiceRemainder = 2n * (magnitude - whole * value.den);
  let rounded = whole;
  if (twiceRemainder > value.den) rounded = whole + 1n;
  else if (twiceRemainder === value.den)
    rounded = mode === 'half_up' || whole % 2n === 1n ? whole + 1n : whole;
  return negative ? -rounded : rounded;
};

export const roundRational = (value: Rational, mode: RoundingMode): bigint => {
  switch (mode) {
    case 'floor':
      return floorDivide(value.num, value.den);
    case 'ceil':
      return ceilDivide(value.num, value.den);
    case 'half_up':
    case 'half_even':
      return roundHalf(value, mode);
  }
};
