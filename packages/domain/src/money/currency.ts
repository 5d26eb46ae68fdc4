// Minor-unit exponents (ISO 4217) for currencies whose exponent is not 2. The program's earn
// rate is per MAJOR unit, so converting kopecks/cents/yen to major units needs this.
const NON_DEFAULT_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

export const DEFAULT_MINOR_UNIT_EXPONENT = 2;

const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;

/** Looks like an ISO 4217 alphabetic code (three upper-case letters); not a registry check. */
export const isCurrencyCode = (value: unknown): value is string =>
  typeof value === 'string' && CURRENCY_CODE_PATTERN.test(value);

/** Digits after the decimal point: RUB 2, JPY 0, KWD 3; unknown codes default to 2. */
export const getMinorUnitExponent = (currency: string): number =>
  NON_DEFAULT_EXPONENTS[currency.toUpperCase()] ?? DEFAULT_MINOR_UNIT_EXPONENT;

/** How many minor units make one major unit (100 for RUB). */
export const getMinorUnitsPerMajor = (currency: string): bigint =>
  10n ** BigInt(getMinorUnitExponent(currency));
