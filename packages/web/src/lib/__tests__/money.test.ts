import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMoney, minorToInput, parseMoneyToMinor } from '../money';
import { lineAmountMinor, milliToQuantity, parseQuantityMilli } from '../quantity';

describe('money', () => {
  it.each([
    ['99', 9900],
    ['1234.5', 123450],
    ['1 234,50', 123450],
    ['0,07', 7],
    ['250 ₽', 25000],
    ['0', 0],
  ])('reads %s as %i kopecks', (text, minor) => {
    expect(parseMoneyToMinor(text)).toBe(minor);
  });

  it.each(['', 'abc', '1.234', '-5', '1,2,3', '1e3'])('refuses %j', (text) => {
    expect(parseMoneyToMinor(text)).toBeUndefined();
  });

  it('knows minor-unit digits and writes amounts back for editing', () => {
    expect(currencyDigits('RUB')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(parseMoneyToMinor('150', 0)).toBe(150);
    expect(minorToInput(123450)).toBe('1234.50');
    expect(minorToInput(7)).toBe('0.07');
    expect(minorToInput(150, 0)).toBe('150');
  });

  it('formats in the locale, without kopecks when there are none', () => {
    expect(formatMoney(50000, 'RUB', 'ru-RU').replace(/\s/g, ' ')).toBe('500 ₽');
    expect(formatMoney(12345, 'RUB', 'ru-RU').replace(/\s/g, ' ')).toBe('123,45 ₽');
  });
});

describe('quantities', () => {
  it('reads up to three decimals, with a comma or a dot', () => {
    expect(parseQuantityMilli('2')).toBe(2000);
    expect(parseQuantityMilli('1,5')).toBe(1500);
    expect(parseQuantityMilli('0.125')).toBe(125);
    expect(parseQuantityMilli('0')).toBeUndefined();
    expect(parseQuantityMilli('1.2345')).toBeUndefined();
    expect(milliToQuantity(1500)).toBe('1.5');
    expect(milliToQuantity(2000)).toBe('2');
    expect(milliToQuantity(125)).toBe('0.125');
  });

  it('prices a line half up to the kopeck', () => {
    expect(lineAmountMinor(25000, 2000)).toBe(50000);
    expect(lineAmountMinor(999, 1500)).toBe(1499); // 1498.5 -> 1499
    expect(lineAmountMinor(333, 333)).toBe(111); // 110.889 -> 111
  });
});
