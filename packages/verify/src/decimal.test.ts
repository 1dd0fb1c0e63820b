import { describe, expect, it } from 'vitest';
import { addDecimals, decimalsEqual, formatDecimal, parseDecimal, zeroDecimal } from './decimal';
import { VerifyError } from './errors';

describe('exact decimals', () => {
  it('sums money exactly where floats would drift', () => {
    const amounts = ['0.10', '0.20', '0.30'];

    const sum = amounts.map(parseDecimal).reduce(addDecimals, zeroDecimal);

    expect(formatDecimal(sum)).toBe('0.60');
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
  });

  it('sums integers and decimals of different scales at the larger scale', () => {
    const sum = addDecimals(addDecimals(parseDecimal(1500), parseDecimal('2.5')), parseDecimal('-0.75'));

    expect(formatDecimal(sum)).toBe('1501.75');
  });

  it('formats small and negative amounts with their leading zero', () => {
    expect(formatDecimal(parseDecimal('0.05'))).toBe('0.05');
    expect(formatDecimal(parseDecimal('-0.05'))).toBe('-0.05');
  });

  it('treats the same number at different scales as equal, and different numbers as not', () => {
    expect(decimalsEqual(parseDecimal('1.5'), parseDecimal('1.50'))).toBe(true);
    expect(decimalsEqual(parseDecimal('1.5'), parseDecimal('1.51'))).toBe(false);
  });

  it('refuses text that is not an exact decimal', () => {
    expect(() => parseDecimal('12,30')).toThrow(VerifyError);
    expect(() => parseDecimal(true)).toThrow(/not an exact decimal/);
  });
});
