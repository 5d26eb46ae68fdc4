import { describe, expect, it } from 'vitest';
import {
  InvalidDecimalError,
  isNonNegativeDecimalString,
  parseDecimal,
  parseScaledDecimal,
  rational,
  tryParseDecimal,
  tryParseScaledDecimal,
} from '../index';

describe('parseDecimal', () => {
  it.each([
    ['0.05', rational(1n, 20n)],
    ['2', rational(2n)],
    ['1.5', rational(3n, 2n)],
    ['0', rational(0n)],
    ['-0.25', rational(-1n, 4n)],
    ['100.000', rational(100n)],
    ['007.50', rational(15n, 2n)],
    ['0.333333333333333333333333', rational(333333333333333333333333n, 10n ** 24n)],
  ])('reads %s exactly', (input, expected) => {
    expect(parseDecimal(input)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['1e3', 'malformed'],
    ['1E-2', 'malformed'],
    ['NaN', 'malformed'],
    ['Infinity', 'malformed'],
    ['0,05', 'malformed'],
    ['.5', 'malformed'],
    ['5.', 'malformed'],
    ['+5', 'malformed'],
    [' 5', 'malformed'],
    ['5 ', 'malformed'],
    ['1_000', 'malformed'],
    ['0x10', 'malformed'],
    ['--1', 'malformed'],
    ['1'.repeat(65), 'too_long'],
  ] as const)('rejects %j (%s)', (input, reason) => {
    const result = tryParseDecimal(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(InvalidDecimalError);
      expect(result.error.code).toBe('invalid_decimal');
      expect(result.error.reason).toBe(reason);
    }
    expect(() => parseDecimal(input)).toThrow(InvalidDecimalError);
  });

  it('rejects non-strings, including binary floats', () => {
    for (const input of [0.05, 5, null, undefined, {}, 5n]) {
      const result = tryParseDecimal(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe('not_a_string');
    }
  });

  it('tells non-negative decimal strings apart', () => {
    expect(isNonNegativeDecimalString('0.05')).toBe(true);
    expect(isNonNegativeDecimalString('0')).toBe(true);
    expect(isNonNegativeDecimalString('-0.01')).toBe(false);
    expect(isNonNegativeDecimalString(0.05)).toBe(false);
  });
});

describe('parseScaledDecimal', () => {
  it.each([
    ['2', 3, 2000n],
    ['1.5', 3, 1500n],
    ['0.125', 3, 125n],
    ['0.001', 3, 1n],
    ['12.34', 2, 1234n],
    ['7', 0, 7n],
  ])('reads %s at scale %i as %s', (input, scale, expected) => {
    expect(parseScaledDecimal(input, scale)).toBe(expected);
  });

  it('refuses to round away extra digits', () => {
    const result = tryParseScaledDecimal('1.2345', 3);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe('too_many_decimals');
  });
});
