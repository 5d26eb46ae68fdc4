import type { Rational } from './rational';

const absBigInt = (value: bigint): bigint => (value < 0n ? -value : value);

/** Power of ten that makes `den` an integer multiple, or null when the expansion repeats. */
const findDecimalScale = (den: bigint): number | null => {
  let rest = den;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos += 1;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives += 1;
  }
  return rest === 1n ? Math.max(twos, fives) : null;
};

/**
 * Shortest exact decimal text ("1.5", "0.05", "2"); a value without a finite decimal
 * expansion is written as a fraction ("1/3") rather than rounded, since this is for display
 * of exact rates, not of money.
 */
export const formatRational = (value: Rational): string => {
  const scale = findDecimalScale(value.den);
  if (scale === null) return `${value.num}/${value.den}`;
  const sign = value.num < 0n ? '-' : '';
  const scaled = (absBigInt(value.num) * 10n ** BigInt(scale)) / value.den;
  if (scale === 0) return `${sign}${scaled}`;
  const digits = scaled.toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  return fraction.length > 0 ? `${sign}${integer}.${fraction}` : `${sign}${integer}`;
};

/** An integer of 10^-scale units as decimal text: `formatScaled(1500n, 3)` is "1.5". */
export const formatScaled = (value: bigint, scale: number): string => {
  if (scale === 0) return value.toString();
  const sign = value < 0n ? '-' : '';
  const digits = absBigInt(value)
    .toString()
    .padStart(scale + 1, '0');
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  const integer = digits.slice(0, -scale);
  return fraction.length > 0 ? `${sign}${integer}.${fraction}` : `${sign}${integer}`;
};
