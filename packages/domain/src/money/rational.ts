// Exact rationals on bigint. Money and points math never touches binary floats: a rate such as
// "0.05" becomes 5/100, products stay exact, and rounding happens once, where the contract says.

export type Rational = {
  /** Numerator; carries the sign. */
  readonly num: bigint;
  /** Denominator; always > 0 and coprime with `num` (normalized). */
  readonly den: bigint;
};

export const RATIONAL_ZERO: Rational = Object.freeze({ num: 0n, den: 1n });
export const RATIONAL_ONE: Rational = Object.freeze({ num: 1n, den: 1n });

const absBigInt = (value: bigint): bigint => (value < 0n ? -value : value);

export const computeGcd = (a: bigint, b: bigint): bigint => {
  let x = absBigInt(a);
  let y = absBigInt(b);
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
};

export const computeLcm = (a: bigint, b: bigint): bigint => {
  if (a === 0n || b === 0n) return 0n;
  return absBigInt((a / computeGcd(a, b)) * b);
};

/** Builds a normalized rational; throws RangeError on a zero denominator. */
export const rational = (num: bigint, den: bigint = 1n): Rational => {
  if (den === 0n) throw new RangeError('Rational denominator must not be zero');
  if (num === 0n) return RATIONAL_ZERO;
  const sign = den < 0n ? -1n : 1n;
  const divisor = computeGcd(num, den);
  return { num: (sign * num) / divisor, den: (sign * den) / divisor };
};

/** Integers (number or bigint) as rationals; a non-integer number is a bug and throws. */
export const rationalFromInteger = (value: number | bigint): Rational => {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`Expected a safe integer, got ${value}`);
  }
  return rational(BigInt(value));
};

export const addRationals = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den + b.num * a.den, a.den * b.den);

export const subtractRationals = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.den - b.num * a.den, a.den * b.den);

export const multiplyRationals = (a: Rational, b: Rational): Rational =>
  rational(a.num * b.num, a.den * b.den);

export const divideRationals = (a: Rational, b: Rational): Rational => {
  if (b.num === 0n) throw new RangeError('Division by a zero rational');
  return rational(a.num * b.den, a.den * b.num);
};

export const sumRationals = (values: readonly Rational[]): Rational =>
  values.reduce(addRationals, RATIONAL_ZERO);

export const productRationals = (values: readonly Rational[]): Rational =>
  values.reduce(multiplyRationals, RATIONAL_ONE);

/** -1, 0 or 1, like a sort comparator. */
export const compareRationals = (a: Rational, b: Rational): -1 | 0 | 1 => {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
};

export const minRational = (a: Rational, b: Rational): Rational => (compareRationals(a, b) <= 0 ? a : b);

export const maxRational = (a: Rational, b: Rational): Rational => (compareRationals(a, b) >= 0 ? a : b);

export const isZeroRational = (value: Rational): boolean => value.num === 0n;

export const isNegativeRational = (value: Rational): boolean => value.num < 0n;

export const isIntegerRational = (value: Rational): boolean => value.den === 1n;

export const equalRationals = (a: Rational, b: Rational): boolean => a.num === b.num && a.den === b.den;
