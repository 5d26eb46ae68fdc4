import { describe, expect, it } from 'vitest';
import {
  buildCardNumber,
  computeEan13CheckDigit,
  computeQrExpiresAt,
  computeQrWindow,
  doPrefixesOverlap,
  findCardSerial,
  isQrWindowAccepted,
  isValidEan13,
  normalizeTags,
} from '../index';

describe('EAN-13 card numbers', () => {
  it.each([
    ['400638133393', 1],
    ['590123412345', 7],
    ['460123456789', 3],
    ['000000000000', 0],
  ])('check digit of %s is %i', (first12, digit) => {
    expect(computeEan13CheckDigit(first12)).toBe(digit);
  });

  it('builds numbers from a prefix and a serial and reads the serial back', () => {
    const n = buildCardNumber('2500', 42);
    expect(n).toHaveLength(13);
    expect(n.startsWith('250000000042')).toBe(true);
    expect(isValidEan13(n)).toBe(true);
    expect(findCardSerial('2500', n)).toBe(42);
    expect(findCardSerial('2501', n)).toBeUndefined();
  });

  it('rejects wrong check digits, wrong lengths and serials that do not fit', () => {
    expect(isValidEan13('4006381333930')).toBe(false);
    expect(isValidEan13('400638133393')).toBe(false);
    expect(isValidEan13('40063813339a1')).toBe(false);
    expect(() => buildCardNumber('29912345', 10_000)).toThrow(RangeError);
    expect(() => computeEan13CheckDigit('12')).toThrow(RangeError);
  });

  it('detects overlapping prefixes', () => {
    expect(doPrefixesOverlap('29', '299')).toBe(true);
    expect(doPrefixesOverlap('299', '299')).toBe(true);
    expect(doPrefixesOverlap('250', '251')).toBe(false);
  });
});

describe('QR windows', () => {
  const at = new Date('2026-11-22T10:00:10Z');
  it('accepts the current and the previous window only', () => {
    const w = computeQrWindow(at);
    expect(isQrWindowAccepted(w, at)).toBe(true);
    expect(isQrWindowAccepted(w - 1, at)).toBe(true);
    expect(isQrWindowAccepted(w - 2, at)).toBe(false);
    expect(isQrWindowAccepted(w + 1, at)).toBe(false);
  });

  it('expires a token two windows after its window starts', () => {
    const w = computeQrWindow(at);
    const expiresAt = computeQrExpiresAt(w);
    expect(isQrWindowAccepted(w, new Date(expiresAt.getTime() - 1))).toBe(true);
    expect(isQrWindowAccepted(w, expiresAt)).toBe(false);
  });
});

describe('normalizeTags', () => {
  it('trims, collapses spaces and drops case-insensitive duplicates', () => {
    expect(normalizeTags([' VIP ', 'vip', 'wholesale  client', '', 'Wholesale client'])).toEqual([
      'VIP',
      'wholesale client',
    ]);
  });
});
