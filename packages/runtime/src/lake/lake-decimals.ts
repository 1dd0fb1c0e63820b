// Conversions between the in-memory text of an exact decimal ('12.30') and the 128-bit two's complement integer
// (the value times 10^scale) that Arrow's Decimal128 and Parquet's DECIMAL store, as four little-endian 32-bit
// words. Up to 15 digits (money's numeric(10,2) included) the integer is exact in a JS number, so no BigInt is
// made per value; wider decimals go through BigInt.

import type { DecimalShape } from '@totes/model';

const twoTo32 = 2 ** 32;
// The widest precision whose integers a double holds exactly (10^15 < 2^53).
const maxNumberPrecision = 15;
// High words of a non-negative number below 2^53, and of a negative one above -2^53.
const numberHighLimit = 2 ** 21;

/**
 * Writes the decimal `text` into `words[4 * at … 4 * at + 3]`; returns false when it is not plain decimal text
 * (`-?digits(.digits)?`) or does not fit the shape (more integer digits than precision − scale, or a non-zero digit
 * past the scale).
 */
export function writeDecimal(text: string, shape: DecimalShape, words: Uint32Array, at: number): boolean {
  const { precision, scale } = shape;
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; /* - */
  let index = negative ? 1 : 0;
  let integerDigits = 0;
  let significant = false;
  let units = 0; // the integer part, then the whole value times 10^scale (small shapes)
  let digits = ''; // the same, as text (wide shapes)
  const wide = precision > maxNumberPrecision;
  const intStart = index;
  for (; index < length; index++) {
    const code = text.charCodeAt(index) - 48;
    if (code < 0 || code > 9) break;
    if (code !== 0) significant = true;
    if (significant) integerDigits++;
    if (!wide) units = units * 10 + code;
  }
  if (index === intStart || integerDigits > precision - scale) return false;
  if (wide) digits = text.slice(intStart, index);
  let fraction = 0;
  if (index < length) {
    if (text.charCodeAt(index) !== 46 /* . */ || index === length - 1) return false;
    for (index++; index < length; index++) {
      const code = text.charCodeAt(index) - 48;
      if (code < 0 || code > 9) return false;
      if (fraction < scale) {
        if (!wide) units = units * 10 + code;
        fraction++;
      } else if (code !== 0) return false; // a digit the scale cannot hold
    }
    if (wide) digits += text.slice(text.indexOf('.') + 1, text.indexOf('.') + 1 + fraction);
  }
  const base = 4 * at;
  if (wide) {
    let value = BigInt(digits + '0'.repeat(scale - fraction));
    if (negative) value = -value;
    for (let word = 0; word < 4; word++)
      words[base + word] = Number(BigInt.asUintN(32, value >> BigInt(32 * word)));
    return true;
  }
  for (let missing = fraction; missing < scale; missing++) units *= 10;
  writeDecimalUnits(negative ? -units : units, words, at);
  return true;
}

/**
 * Writes an integer of magnitude below 2^53 (a decimal's value times 10^scale) into `words[4 * at … 4 * at + 3]`
 * as a 128-bit two's complement integer.
 */
export function writeDecimalUnits(signed: number, words: Uint32Array, at: number): void {
  const base = 4 * at;
  const high = Math.floor(signed / twoTo32);
  words[base] = signed - high * twoTo32;
  words[base + 1] = high >>> 0;
  const extension = signed < 0 ? 0xffff_ffff : 0;
  words[base + 2] = extension;
  words[base + 3] = extension;
}

/** The decimal in `words[4 * at … 4 * at + 3]` as text with exactly `scale` digits after the point ('12.30'). */
export function readDecimal(words: Uint32Array, at: number, scale: number): string {
  const base = 4 * at;
  const low = words[base] as number;
  const high = words[base + 1] as number;
  const upper = words[base + 2] as number;
  const top = words[base + 3] as number;
  let negative: boolean;
  let magnitude: string;
  if (upper === 0 && top === 0 && high < numberHighLimit) {
    negative = false;
    magnitude = String(high * twoTo32 + low);
  } else if (upper === 0xffff_ffff && top === 0xffff_ffff && high >= twoTo32 - numberHighLimit) {
    const value = (high | 0) * twoTo32 + low;
    negative = value < 0;
    magnitude = String(-value);
  } else {
    let value = 0n;
    for (let word = 3; word >= 0; word--) value = (value << 32n) | BigInt(words[base + word] as number);
    value = BigInt.asIntN(128, value);
    negative = value < 0n;
    magnitude = String(negative ? -value : value);
  }
  if (scale > 0) {
    if (magnitude.length <= scale) magnitude = magnitude.padStart(scale + 1, '0');
    const point = magnitude.length - scale;
    magnitude = `${magnitude.slice(0, point)}.${magnitude.slice(point)}`;
  }
  return negative ? `-${magnitude}` : magnitude;
}
