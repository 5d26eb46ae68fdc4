// Receipt quantities: > 0 with at most 3 decimals (contract). Kept as text on the wire ("1.5").

const QUANTITY = /^(\d{1,9})(?:[.,](\d{1,3}))?$/;

/** Thousandths of a unit, or undefined when the text is not a valid quantity. */
export function parseQuantityMilli(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const milli = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0') || '0');
  return milli > 0 ? milli : undefined;
}

export function milliToQuantity(milli: number): string {
  const whole = Math.floor(milli / 1000);
  const frac = milli % 1000;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** price × quantity in minor units, rounded half up to the minor unit (integers only). */
export function lineAmountMinor(priceMinor: number, quantityMilli: number): number {
  return Math.floor((priceMinor * quantityMilli + 500) / 1000);
}
