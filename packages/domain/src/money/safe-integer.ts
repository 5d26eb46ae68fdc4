// Results leave the domain as JS numbers (JSON). Anything beyond 2^53 - 1 would silently lose
// precision there, so the conversion refuses instead of rounding.

export class UnsafeIntegerError extends RangeError {
  readonly code = 'unsafe_integer';

  constructor(readonly value: bigint) {
    super(`Integer ${value} is outside the safe range of ±${Number.MAX_SAFE_INTEGER}`);
    this.name = 'UnsafeIntegerError';
  }
}

export const toSafeNumber = (value: bigint): number => {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UnsafeIntegerError(value);
  }
  return Number(value);
};

export const sumBigInts = (values: readonly bigint[]): bigint =>
  values.reduce((sum, value) => sum + value, 0n);

// Math.min/max throw on bigint, so these stay hand-written.
export const minBigInt = (first: bigint, ...rest: readonly bigint[]): bigint => {
  let min = first;
  for (const value of rest) if (value < min) min = value;
  return min;
};

export const maxBigInt = (first: bigint, ...rest: readonly bigint[]): bigint => {
  let max = first;
  for (const value of rest) if (value > max) max = value;
  return max;
};
