export {
  DEFAULT_MINOR_UNIT_EXPONENT,
  getMinorUnitExponent,
  getMinorUnitsPerMajor,
  isCurrencyCode,
} from './currency';
export { formatRational, formatScaled } from './format-decimal';
export {
  type AllocationWeight,
  allocateLargestRemainder,
  allocateLargestRemainderExact,
} from './largest-remainder';
export {
  type DecimalParseResult,
  InvalidDecimalError,
  type InvalidDecimalReason,
  isDecimalString,
  isNonNegativeDecimalString,
  MAX_DECIMAL_LENGTH,
  parseDecimal,
  parseScaledDecimal,
  tryParseDecimal,
  tryParseScaledDecimal,
} from './parse-decimal';
export { computeCumulativeShare, computeExactShare, computeIncrementalShare } from './proportional-share';
export {
  addRationals,
  compareRationals,
  computeGcd,
  computeLcm,
  divideRationals,
  equalRationals,
  isIntegerRational,
  isNegativeRational,
  isZeroRational,
  maxRational,
  minRational,
  multiplyRationals,
  productRationals,
  RATIONAL_ONE,
  RATIONAL_ZERO,
  type Rational,
  rational,
  rationalFromInteger,
  subtractRationals,
  sumRationals,
} from './rational';
export {
  ceilDivide,
  floorDivide,
  isRoundingMode,
  ROUNDING_MODES,
  type RoundingMode,
  roundRational,
} from './rounding';
export { maxBigInt, minBigInt, sumBigInts, toSafeNumber, UnsafeIntegerError } from './safe-integer';
