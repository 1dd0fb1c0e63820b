// PostgreSQL's binary form of a `numeric` (numeric_send / numeric_recv): int16 ndigits, int16 weight, uint16 sign,
// int16 dscale, then ndigits int16 base-10000 digits, most significant first; the value is
// Σ digit[i] × 10000^(weight − i). Written from the lake's decimals without a string per value (the loader): a
// Decimal128 as its integer (value × 10^scale), or the text of a part written before decimals had a shape. Read
// into the same forms (the extractor): a Decimal128 of the column's shape, without a string per value up to 15
// digits, or the decimal's text.

import type { DecimalShape } from '@totes/model';
import { writeDecimal, writeDecimalUnits } from '../lake/lake-decimals';

const twoTo32 = 2 ** 32;
const positive = 0x0000;
const negative = 0x4000;
// High words of a non-negative number below 2^53, and of a negative one above -2^53 (as in lake-decimals.ts).
const numberHighLimit = 2 ** 21;
// The widest scale whose fraction, padded to whole base-10000 digits, a double holds exactly (10^12 < 2^53).
const maxNumberScale = 12;

/** The most bytes of one Decimal128 value: the header and 21 digits (39 decimal digits split at the point). */
export const maxDecimal128Bytes = 8 + 2 * 21;

/**
 * The most bytes of `count` numerics written from `length` bytes of decimal text in all: per value the header and
 * at most one base-10000 digit per two characters, plus two for the groups split at the point.
 */
export function maxTextNumericBytes(count: number, length: number): number {
  return 12 * count + length;
}

// Base-10000 digits, least significant first, while one value is written.
const groups = new Int16Array(32);
// ASCII digits of a value too wide for a double.
const scratch = new Uint8Array(48);

/** The Decimal128 in `words[4 * index … 4 * index + 3]`, of `scale`, as a binary numeric of that display scale. */
export function writeNumericDecimal128(
  out: Uint8Array,
  at: number,
  words: Uint32Array,
  index: number,
  scale: number,
): number {
  const base = 4 * index;
  const low = words[base] as number;
  const high = words[base + 1] as number;
  const upper = words[base + 2] as number;
  const top = words[base + 3] as number;
  if (scale <= maxNumberScale) {
    if (upper === 0 && top === 0 && high < numberHighLimit)
      return writeUnits(out, at, false, high * twoTo32 + low, scale);
    if (upper === 0xffff_ffff && top === 0xffff_ffff && high >= twoTo32 - numberHighLimit)
      return writeUnits(out, at, true, -((high | 0) * twoTo32 + low), scale);
  }
  // Wider than a double holds exactly: through BigInt's digits.
  let value = 0n;
  for (let word = 3; word >= 0; word--) value = (value << 32n) | BigInt(words[base + word] as number);
  value = BigInt.asIntN(128, value);
  const minus = value < 0n;
  const text = (minus ? -value : value).toString();
  const length = Math.max(text.length, scale + 1);
  const pad = length - text.length;
  scratch.fill(48, 0, pad);
  for (let digit = 0; digit < text.length; digit++) scratch[pad + digit] = text.charCodeAt(digit);
  return writeDigits(out, at, minus, scratch, 0, length - scale, length, scale);
}

/** Plain decimal text (`-?digits(.digits)?`, as the lake held decimals without a shape), with its own scale. */
export function writeNumericText(
  out: Uint8Array,
  at: number,
  bytes: Uint8Array,
  from: number,
  to: number,
): number {
  const minus = bytes[from] === 45; /* - */
  const start = minus ? from + 1 : from;
  let point = start;
  while (point < to && bytes[point] !== 46 /* . */) point++;
  const fracStart = point < to ? point + 1 : to;
  // The fraction's digits follow the point: shift them left over it so the digits are contiguous.
  const digits = to - start - (point < to ? 1 : 0);
  for (let index = 0; index < digits; index++) {
    const source = start + index < point ? start + index : fracStart + index - (point - start);
    scratch[index] = bytes[source] as number;
  }
  return writeDigits(out, at, minus, scratch, 0, point - start, digits, to - fracStart);
}

// value = units / 10^scale, units a non-negative integer below 2^53, scale at most 12.
function writeUnits(out: Uint8Array, at: number, minus: boolean, units: number, scale: number): number {
  const fracGroups = (scale + 3) >> 2;
  const unit = 10 ** scale;
  const fraction = units % unit;
  let whole = (units - fraction) / unit;
  // The fraction, padded on the right to whole base-10000 digits: below 10^12, exact.
  let rest = fraction * 10 ** (4 * fracGroups - scale);
  let count = 0;
  for (; count < fracGroups; count++) {
    const digit = rest % 10_000;
    groups[count] = digit;
    rest = (rest - digit) / 10_000;
  }
  while (whole > 0) {
    const digit = whole % 10_000;
    groups[count++] = digit;
    whole = (whole - digit) / 10_000;
  }
  return writeGroups(out, at, minus, count, count - fracGroups - 1, scale);
}

// The decimal digits codes[from … fracEnd) (ASCII), the point after intEnd, as a numeric of display scale `scale`.
function writeDigits(
  out: Uint8Array,
  at: number,
  minus: boolean,
  codes: Uint8Array,
  from: number,
  intEnd: number,
  fracEnd: number,
  scale: number,
): number {
  const fracGroups = (fracEnd - intEnd + 3) >> 2;
  let count = 0;
  // The fraction from its last (padded) group to its first, then the integer part from its last group.
  for (let group = fracGroups - 1; group >= 0; group--) {
    let digit = 0;
    for (let place = 0; place < 4; place++) {
      const index = intEnd + 4 * group + place;
      digit = digit * 10 + (index < fracEnd ? (codes[index] as number) - 48 : 0);
    }
    groups[count++] = digit;
  }
  for (let end = intEnd; end > from; end -= 4) {
    let digit = 0;
    for (let index = Math.max(from, end - 4); index < end; index++)
      digit = digit * 10 + (codes[index] as number) - 48;
    groups[count++] = digit;
  }
  return writeGroups(out, at, minus, count, count - fracGroups - 1, scale);
}

// groups[0 … count) least significant first, the most significant of weight `weight`; zeros at either end dropped.
function writeGroups(
  out: Uint8Array,
  at: number,
  minus: boolean,
  count: number,
  weight: number,
  scale: number,
): number {
  let top = count;
  while (top > 0 && groups[top - 1] === 0) {
    top--;
    weight--;
  }
  let bottom = 0;
  while (bottom < top && groups[bottom] === 0) bottom++;
  const digits = top - bottom;
  at = writeInt16(out, at, digits);
  at = writeInt16(out, at, digits === 0 ? 0 : weight);
  at = writeInt16(out, at, minus && digits > 0 ? negative : positive);
  at = writeInt16(out, at, scale);
  for (let group = top - 1; group >= bottom; group--) at = writeInt16(out, at, groups[group] as number);
  return at;
}

function writeInt16(out: Uint8Array, at: number, value: number): number {
  out[at] = value >>> 8;
  out[at + 1] = value;
  return at + 2;
}

// The widest precision whose value times 10^scale a double holds exactly (as in lake-decimals.ts).
const maxNumberPrecision = 15;
const powersOfTen = Array.from({ length: 16 }, (_, power) => 10 ** power);

/**
 * Reads the numeric at `bytes[at … at + length)` into `words[4 * index … 4 * index + 3]` as the Decimal128 of
 * `shape` (its value times 10^scale). Returns false when it is NaN or infinite, its bytes are not a numeric, or it
 * does not fit the shape: more integer digits than precision − scale, or a non-zero digit past the scale.
 */
export function readNumericDecimal128(
  bytes: Uint8Array,
  at: number,
  length: number,
  shape: DecimalShape,
  words: Uint32Array,
  index: number,
): boolean {
  const count = numericDigits(bytes, at, length);
  if (count < 0) return false;
  if (shape.precision > maxNumberPrecision) {
    const text = readNumericText(bytes, at, length);
    return text !== undefined && writeDecimal(text, shape, words, index);
  }
  const weight = readInt16(bytes, at + 2);
  const limit = powersOfTen[shape.precision] as number;
  let units = 0;
  for (let digit = 0; digit < count; digit++) {
    const value = readUint16(bytes, at + 8 + 2 * digit);
    if (value === 0) continue;
    // The decimal place of the digit's last figure, counted from the scale's last place.
    const place = 4 * (weight - digit) + shape.scale;
    if (place > maxNumberPrecision) return false;
    if (place >= 0) units += value * (powersOfTen[place] as number);
    else if (place <= -4 || value % (powersOfTen[-place] as number) !== 0) return false;
    else units += value / (powersOfTen[-place] as number);
    if (units >= limit) return false;
  }
  writeDecimalUnits(readUint16(bytes, at + 4) === negative ? -units : units, words, index);
  return true;
}

/**
 * The numeric at `bytes[at … at + length)` as numeric_out writes it: plain decimal text with exactly its display
 * scale of fraction digits (`-12.50`); undefined when it is NaN or infinite, or its bytes are not a numeric.
 */
export function readNumericText(bytes: Uint8Array, at: number, length: number): string | undefined {
  const count = numericDigits(bytes, at, length);
  if (count < 0) return undefined;
  const weight = readInt16(bytes, at + 2);
  const scale = readUint16(bytes, at + 6);
  const digit = (index: number) => (index >= 0 && index < count ? readUint16(bytes, at + 8 + 2 * index) : 0);
  let text = readUint16(bytes, at + 4) === negative ? '-' : '';
  if (weight < 0) text += '0';
  for (let index = 0; index <= weight; index++)
    text += index === 0 ? String(digit(0)) : String(digit(index)).padStart(4, '0');
  if (scale === 0) return text;
  let fraction = '';
  for (let index = weight + 1; fraction.length < scale; index++)
    fraction += String(digit(index)).padStart(4, '0');
  return `${text}.${fraction.slice(0, scale)}`;
}

// The count of base-10000 digits of a finite numeric whose form fills `length` bytes; -1 for anything else.
function numericDigits(bytes: Uint8Array, at: number, length: number): number {
  if (length < 8) return -1;
  const count = readUint16(bytes, at);
  const sign = readUint16(bytes, at + 4);
  // Any other sign is NaN or an infinity (0xC000, 0xD000, 0xF000): not an exact decimal.
  if (length !== 8 + 2 * count || (sign !== positive && sign !== negative)) return -1;
  return count;
}

function readUint16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function readInt16(bytes: Uint8Array, at: number): number {
  return (readUint16(bytes, at) << 16) >> 16;
}
