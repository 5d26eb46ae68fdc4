// How the member's card is drawn: EAN-13 when the number is a valid one (our virtual and
// plastic cards), Code 128 otherwise; and when to fetch the next rotating QR code.

export function isValidEan13(number: string): boolean {
  if (!/^\d{13}$/.test(number)) return false;
  const digits = number.split('').map(Number);
  const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

export function barcodeTypeFor(cardNumber: string): 'ean13' | 'code128' {
  return isValidEan13(cardNumber) ? 'ean13' : 'code128';
}

/** Refresh a little before the token stops being accepted, never more often than once a second. */
export function qrRefreshDelayMs(expiresAt: string, now: number, leadMs = 5_000): number {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 10_000;
  return Math.max(1_000, at - now - leadMs);
}
