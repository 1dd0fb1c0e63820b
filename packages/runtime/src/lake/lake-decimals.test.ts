import { describe, expect, it } from 'vitest';
import { readDecimal, writeDecimal } from './lake-decimals';

// The 128-bit two's complement words of an integer, little-endian, as Arrow's Decimal128 holds them.
function wordsOf(units: bigint): number[] {
  return [0, 1, 2, 3].map((word) => Number(BigInt.asUintN(32, units >> BigInt(32 * word))));
}

describe('writeDecimal', () => {
  it.each([
    ['12.30', { precision: 10, scale: 2 }, 1230n],
    ['-0.01', { precision: 10, scale: 2 }, -1n],
    ['-99999999.99', { precision: 10, scale: 2 }, -9999999999n],
    ['999999999999999', { precision: 15, scale: 0 }, 999999999999999n],
    ['-12345678901234567890.123456789', { precision: 38, scale: 9 }, -12345678901234567890123456789n],
    ['5', { precision: 20, scale: 4 }, 50000n],
  ])('writes %s at %o as the integer times 10^scale', (text, shape, units) => {
    const words = new Uint32Array(8);

    expect(writeDecimal(text, shape, words, 1)).toBe(true);

    expect([...words.subarray(4)]).toEqual(wordsOf(units));
  });
});

describe('readDecimal', () => {
  it.each([
    [2n ** 53n - 1n, 0, '9007199254740991'],
    [2n ** 53n, 0, '9007199254740992'],
    [-(2n ** 53n), 0, '-9007199254740992'],
    [-(2n ** 53n) - 1n, 0, '-9007199254740993'],
    [2n ** 127n - 1n, 38, '1.70141183460469231731687303715884105727'],
    [-5n, 3, '-0.005'],
    [0n, 2, '0.00'],
  ])('reads %s at scale %i as %s, past the exact range of a double too', (units, scale, text) => {
    const words = Uint32Array.from(wordsOf(units));

    expect(readDecimal(words, 0, scale)).toBe(text);
  });
});
