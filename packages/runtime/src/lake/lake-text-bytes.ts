// The lake's in-memory text forms (lake-values.ts, lake-decimals.ts) written as ASCII bytes straight into a
// buffer: the same text as formatDate, formatTime, formatTimestamp, readDecimal and String(int), without a string
// per value. Each writer takes the position to write at and returns the position after what it wrote; the caller
// makes room (at most `maxTextBytes` of the lake type). Values are in range: decoding checked them.

import type { LakeType } from '@totes/model';

const msPerDay = 86_400_000;
const twoTo32 = 2 ** 32;
// High words of a non-negative number below 2^53, and of a negative one above -2^53 (as in lake-decimals.ts).
const numberHighLimit = 2 ** 21;

/** The most bytes one value's text can take, for the fixed-width forms (a decimal: see {@link decimalTextBytes}). */
export const maxTextBytes = {
  int32: 11,
  date: 10,
  time: 12,
  timestamp: 23,
  boolean: 1,
} as const satisfies Partial<Record<LakeType, number>>;

/** The most bytes of a Decimal128 value's text: sign, 39 digits, point, and the zero before it. */
export const decimalTextBytes = 42;

/** An integer's decimal digits, with a minus when negative (as `String(value)`). */
export function writeIntText(out: Uint8Array, at: number, value: number): number {
  if (value < 0) {
    out[at++] = 45; // -
    value = -value;
  }
  return writeDigits(out, at, value, 1);
}

// Dates repeat within a batch (a few hundred days in a fact's two years): their text is kept once per process for
// the days of 1950–2099, 10 bytes each, made the first time each day is asked for.
const cachedFirstDay = -7305; // 1950-01-01
const cachedDays = 54_787; // through 2099-12-31
const cachedDates = new Uint8Array(cachedDays * 10);
const cachedDate = new Uint8Array(cachedDays);

/** Days since 1970-01-01 as `YYYY-MM-DD` (as `formatDate`). */
export function writeDateText(out: Uint8Array, at: number, days: number): number {
  const slot = days - cachedFirstDay;
  if (slot < 0 || slot >= cachedDays) return civilDateText(out, at, days);
  const from = slot * 10;
  if (cachedDate[slot] === 0) {
    civilDateText(cachedDates, from, days);
    cachedDate[slot] = 1;
  }
  for (let index = 0; index < 10; index++) out[at + index] = cachedDates[from + index] as number;
  return at + 10;
}

function civilDateText(out: Uint8Array, at: number, days: number): number {
  // civil_from_days (H. Hinnant), as formatDays in lake-values.ts.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  at = writeFixed(out, at, year, 4);
  out[at++] = 45; // -
  at = writeFixed(out, at, month, 2);
  out[at++] = 45;
  return writeFixed(out, at, day, 2);
}

/** Milliseconds since midnight as `HH:MM:SS.mmm` (as `formatTime`). */
export function writeTimeText(out: Uint8Array, at: number, ms: number): number {
  // Integer arithmetic: a time of day is below 2^31 ms.
  const seconds = (ms / 1000) | 0;
  const minutes = (seconds / 60) | 0;
  at = writeTwo(out, at, (minutes / 60) | 0);
  out[at++] = 58; // :
  at = writeTwo(out, at, minutes % 60);
  out[at++] = 58;
  at = writeTwo(out, at, seconds % 60);
  out[at++] = 46; // .
  const millis = ms % 1000;
  out[at] = 48 + ((millis / 100) | 0);
  return writeTwo(out, at + 1, millis % 100);
}

function writeTwo(out: Uint8Array, at: number, value: number): number {
  out[at] = 48 + ((value / 10) | 0);
  out[at + 1] = 48 + (value % 10);
  return at + 2;
}

/** Epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmm`, UTC (as `formatTimestamp`). */
export function writeTimestampText(out: Uint8Array, at: number, epochMs: number): number {
  const days = Math.floor(epochMs / msPerDay);
  at = writeDateText(out, at, days);
  out[at++] = 84; // T
  return writeTimeText(out, at, epochMs - days * msPerDay);
}

/**
 * The Decimal128 in `words[4 * index … 4 * index + 3]` with exactly `scale` digits after the point (as
 * `readDecimal`): `12.30`, `-0.05`.
 */
export function writeDecimalText(
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
  if (upper === 0 && top === 0 && high < numberHighLimit)
    return writeScaled(out, at, high * twoTo32 + low, scale);
  if (upper === 0xffff_ffff && top === 0xffff_ffff && high >= twoTo32 - numberHighLimit) {
    out[at++] = 45; // -
    return writeScaled(out, at, -((high | 0) * twoTo32 + low), scale);
  }
  // Wider than a double holds exactly: through BigInt, as readDecimal does.
  let value = 0n;
  for (let word = 3; word >= 0; word--) value = (value << 32n) | BigInt(words[base + word] as number);
  value = BigInt.asIntN(128, value);
  if (value < 0n) {
    out[at++] = 45;
    value = -value;
  }
  let digits = value.toString();
  if (digits.length <= scale) digits = digits.padStart(scale + 1, '0');
  const point = digits.length - scale;
  for (let index = 0; index < digits.length; index++) {
    if (index === point) out[at++] = 46;
    out[at++] = digits.charCodeAt(index);
  }
  return at;
}

// A non-negative integer below 2^53 with a point before its last `scale` digits, and at least one digit before it.
function writeScaled(out: Uint8Array, at: number, units: number, scale: number): number {
  if (scale === 0) return writeDigits(out, at, units, 1);
  const end = writeDigits(out, at, units, scale + 1);
  // Shift the last `scale` digits right by one to make room for the point.
  for (let index = end; index > end - scale; index--) out[index] = out[index - 1] as number;
  out[end - scale] = 46; // .
  return end + 1;
}

// A non-negative integer below 2^53, with leading zeros up to `minDigits` digits.
function writeDigits(out: Uint8Array, at: number, value: number, minDigits: number): number {
  if (value < 2_147_483_648) return writeSmallDigits(out, at, value, minDigits);
  let count = 1;
  for (let rest = value; rest >= 10; rest = (rest - (rest % 10)) / 10) count++;
  if (count < minDigits) count = minDigits;
  const end = at + count;
  let rest = value;
  for (let index = end - 1; index >= at; index--) {
    const digit = rest % 10;
    out[index] = 48 + digit;
    rest = (rest - digit) / 10;
  }
  return end;
}

// As writeDigits, in 32-bit integer arithmetic.
function writeSmallDigits(out: Uint8Array, at: number, value: number, minDigits: number): number {
  let count = 1;
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) count++;
  if (count < minDigits) count = minDigits;
  const end = at + count;
  let rest = value;
  for (let index = end - 1; index >= at; index--) {
    const next = (rest / 10) | 0;
    out[index] = 48 + rest - next * 10;
    rest = next;
  }
  return end;
}

// Exactly `width` digits, zero-padded: the calendar fields.
function writeFixed(out: Uint8Array, at: number, value: number, width: number): number {
  for (let index = at + width - 1; index >= at; index--) {
    const digit = value % 10;
    out[index] = 48 + digit;
    value = (value - digit) / 10;
  }
  return at + width;
}
