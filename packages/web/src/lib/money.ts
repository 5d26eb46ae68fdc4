// Money travels as integer minor units; the UI shows and reads major units in the user's locale.
// No binary floating point touches an amount: parsing works on the digits.

export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const major = minor / 10 ** digits; // display only
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: Number.isInteger(major) ? 0 : digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** "₽" for RUB in Russian, "RUB" where the locale has no symbol. */
export function currencySymbol(currency: string, locale: string): string {
  try {
    const parts = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

export function formatPoints(points: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(points);
}

/**
 * Reads "1 234,50", "1234.5", "99" as minor units (digits = 2: 123450, 123450, 9900).
 * Returns undefined for anything that is not a non-negative amount with at most `digits` decimals.
 */
export function parseMoneyToMinor(text: string, digits = 2): number | undefined {
  const cleaned = text.replace(/[\s\u00a0\u202f₽$€]/g, '').replace(',', '.');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!m) return undefined;
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > digits) return undefined;
  const minor = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/** Minor units to a plain editable string in major units ("1234.5" → "1234.50"). */
export function minorToInput(minor: number, digits = 2): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** digits);
  const frac = String(abs % 10 ** digits).padStart(digits, '0');
  return `${sign}${whole}.${frac}`;
}
