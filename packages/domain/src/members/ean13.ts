// Card numbers are EAN-13 so any till scanner and label printer handles them: 12 data digits and
// a check digit (weights 1,3,1,3… from the left, mod 10). Numbers starting with 2 are the GS1
// "restricted circulation" range, free for in-store use such as loyalty cards.

export const EAN13_LENGTH = 13;

export function computeEan13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`EAN-13 needs 12 data digits, got "${first12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(value: string): boolean {
  return /^\d{13}$/.test(value) && computeEan13CheckDigit(value.slice(0, 12)) === Number(value[12]);
}

/** Digits left for the serial number after a numeric prefix (the check digit takes the last one). */
export function computeSerialLength(prefix: string): number {
  return EAN13_LENGTH - 1 - prefix.length;
}

export function buildCardNumber(prefix: string, serial: number): string {
  const serialLength = computeSerialLength(prefix);
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 10 ** serialLength) {
    throw new RangeError(`serial ${serial} does not fit ${serialLength} digits after prefix ${prefix}`);
  }
  const first12 = prefix + String(serial).padStart(serialLength, '0');
  return first12 + String(computeEan13CheckDigit(first12));
}

/** The serial inside a card number of the given prefix, or undefined when it is not one of them. */
export function findCardSerial(prefix: string, cardNumber: string): number | undefined {
  if (!cardNumber.startsWith(prefix) || !isValidEan13(cardNumber)) return undefined;
  return Number(cardNumber.slice(prefix.length, 12));
}

/** Two card ranges collide when one prefix is a prefix of the other (their numbers overlap). */
export function doPrefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}
