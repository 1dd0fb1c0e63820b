import { LakeType, type LakeValue, type SourceColumn } from '@totes/model';
import { formatDate, formatTime, formatTimestamp } from '@totes/runtime';

/** A file's value as its format holds it, before it is coerced to the catalog's type. */
export type FileValue = string | number | bigint | boolean | null | FileInstant;

/** The unit of a typed file's timestamp or time of day. */
export type InstantUnit = 's' | 'ms' | 'us' | 'ns';

/**
 * A temporal value a typed file (Parquet) holds as a count: a timestamp since the epoch (read as UTC), a day since
 * the epoch, or a time since midnight.
 */
export type FileInstant =
  | { readonly kind: 'timestamp'; readonly count: bigint; readonly unit: InstantUnit }
  | { readonly kind: 'date'; readonly days: number }
  | { readonly kind: 'time'; readonly count: bigint; readonly unit: InstantUnit };

/** A file's value as the catalog's type, or why it cannot be, exactly. */
export type Coerced =
  | { readonly ok: true; readonly value: LakeValue }
  | { readonly ok: false; readonly reason: string };

/**
 * Why a value cannot be coerced: what {@link coerceOrRefuse} gives instead of the value. Only a refusal is an object,
 * so a good value costs no allocation (this runs for every value of every file).
 */
export class Refusal {
  constructor(readonly reason: string) {}
}

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const booleans: Record<string, boolean> = { t: true, true: true, f: false, false: false };
const decimalPattern = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const msPerDay = 86_400_000n;
/** Counts of a unit per millisecond, or milliseconds per count (for seconds). */
const perMs: Record<InstantUnit, bigint> = { s: 1n, ms: 1n, us: 1000n, ns: 1_000_000n };
/** A double tells apart every decimal of at most this many significant digits (DBL_DIG). */
const doubleDigits = 15;

/**
 * Converts a value read from a file to the column's lake type, only where the conversion is exact, whatever the
 * file's format: text (CSV, JSON strings), a number (JSON, Parquet doubles and integers), a bigint (an int64 beyond
 * 2^53), a boolean, or a {@link FileInstant} (Parquet timestamps, dates and times). `12.5` into `numeric(10,2)` is
 * `12.50`, and so is the double 12.5; the double 1.005001 is refused (it is not the nearest double to any 2-place
 * decimal), as are 2^40 into an int4 and a timestamp finer than a millisecond into `timestamp(3)`. Values come out
 * as the database extraction gives them, so the raw zone holds the same rows whichever input they came from.
 */
export function coerceValue(column: SourceColumn, value: FileValue): Coerced {
  const coerced = coerceOrRefuse(column, value);
  return coerced instanceof Refusal ? { ok: false, reason: coerced.reason } : { ok: true, value: coerced };
}

/** {@link coerceValue} for the per-row path: the value itself, or a {@link Refusal} saying why not. */
export function coerceOrRefuse(column: SourceColumn, value: FileValue): LakeValue | Refusal {
  if (value === null) return column.nullable ? null : fail('is empty (NULL) but the column is required');
  if (typeof value === 'string') return coerceText(column, value);
  switch (column.lake) {
    case LakeType.int32:
      return typeof value === 'number' || typeof value === 'bigint'
        ? intOfNumber(value)
        : mismatch(value, 'an integer');
    case LakeType.decimal:
      return decimalOfNumber(value, column.decimal);
    case LakeType.boolean:
      return typeof value === 'boolean' ? value : mismatch(value, 'a boolean');
    case LakeType.timestamp:
    case LakeType.date:
    case LakeType.time:
      return typeof value === 'object'
        ? coerceInstant(column.lake, value)
        : mismatch(value, `a ${column.lake}`);
    default:
      return textOfValue(column, value);
  }
}

/** A text value (a CSV field, a JSON string, a Parquet string) as the column's type. */
function coerceText(column: SourceColumn, text: string): LakeValue | Refusal {
  switch (column.lake) {
    case LakeType.int32:
      return coerceInt(text);
    case LakeType.decimal:
      return coerceDecimal(text, column.decimal);
    case LakeType.boolean:
      return coerceBoolean(text);
    case LakeType.timestamp:
      return coerceTimestamp(text);
    case LakeType.date:
      return text.length === 10 && validDateAt(text, 0)
        ? text
        : fail(`${quote(text)} is not a date (YYYY-MM-DD)`);
    case LakeType.time:
      return coerceTime(text);
    default:
      return withinLength(column, text);
  }
}

function fail(reason: string): Refusal {
  return new Refusal(reason);
}

/** A value in a reason, capped so one long field cannot flood a log or the ledger. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/** A non-text value in a reason: a number as JavaScript prints it, an instant by its kind. */
function show(value: Exclude<FileValue, string | null>): string {
  if (typeof value === 'object')
    return value.kind === 'date' ? `date ${formatDate(value.days) ?? value.days}` : `a ${value.kind}`;
  return String(value);
}

function mismatch(value: Exclude<FileValue, string | null>, expected: string): Refusal {
  return fail(`${show(value)} is not ${expected}`);
}

function coerceBoolean(text: string): boolean | Refusal {
  // COPY writes t and f; any case of the four words is accepted.
  if (text === 't') return true;
  if (text === 'f') return false;
  const lower = text.toLowerCase();
  return Object.hasOwn(booleans, lower)
    ? (booleans[lower] as boolean)
    : fail(`${quote(text)} is not a boolean (t, f, true or false)`);
}

/** Digits of an integer that a double holds exactly whatever they are (10^15 < 2^53). */
const exactDigits = 15;

/** `[+-]digits`, then optionally `.` and zeros: read by arithmetic, with no match or substring per value. */
function coerceInt(text: string): number | Refusal {
  const length = text.length;
  const first = text.charCodeAt(0);
  const start = first === 45 /* - */ || first === 43 /* + */ ? 1 : 0;
  let value = 0;
  let index = start;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  const end = index;
  if (end === start) return fail(`${quote(text)} is not an integer`);
  if (index < length) {
    if (text.charCodeAt(index) !== 46 /* . */) return fail(`${quote(text)} is not an integer`);
    for (index++; index < length; index++)
      if (text.charCodeAt(index) !== 48) return fail(`${quote(text)} is not an integer`);
  }
  // Beyond 15 digits the sum may be inexact: the number is read as Number reads it.
  if (end - start > exactDigits) return intOfNumber(Number(text.slice(0, end)), text);
  return intOfNumber(first === 45 ? -value : value, text);
}

/** An integer in int4's range; `text` is what the file held, when it was text, for the reason. */
function intOfNumber(value: number | bigint, text?: string): number | Refusal {
  if (typeof value === 'number' && !Number.isInteger(value))
    return fail(`${text === undefined ? value : quote(text)} is not an integer`);
  if (value < int32.min || value > int32.max)
    return fail(`${text === undefined ? value : quote(text)} is out of range for a 32-bit integer`);
  const number = Number(value);
  return number === 0 ? 0 : number;
}

function coerceDecimal(text: string, shape: SourceColumn['decimal']): string | Refusal {
  if (shape && isCanonicalDecimal(text, shape.precision, shape.scale)) return text;
  const match = decimalPattern.exec(text);
  const [, sign = '', whole = '', fraction = ''] = match ?? [];
  if (!match || whole + fraction === '') return fail(`${quote(text)} is not a decimal number`);
  if (!shape) return text;
  const kept = fraction.slice(0, shape.scale);
  if (/[1-9]/.test(fraction.slice(shape.scale)))
    return fail(`${quote(text)} has more than ${shape.scale} decimal places: it cannot be stored exactly`);
  const digits = whole.replace(/^0+/, '');
  if (digits.length > shape.precision - shape.scale)
    return fail(`${quote(text)} does not fit numeric(${shape.precision},${shape.scale})`);
  const scaled = shape.scale > 0 ? `${digits || '0'}.${kept.padEnd(shape.scale, '0')}` : digits || '0';
  // Zero has no sign, as PostgreSQL prints it.
  const negative = sign === '-' && /[1-9]/.test(scaled);
  return `${negative ? '-' : ''}${scaled}`;
}

/**
 * Whether decimal text is already as the column holds it (as COPY writes a numeric(p,s)): an optional minus, the
 * integer digits without leading zeros (a lone 0 before the point), exactly `scale` fraction digits, within the
 * precision, and no minus on a zero. Such text is its own value; any other goes the long way.
 */
function isCanonicalDecimal(text: string, precision: number, scale: number): boolean {
  const length = text.length;
  const start = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  let index = start;
  let nonZero = false;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    if (digit !== 0) nonZero = true;
  }
  const whole = index - start;
  if (whole === 0 || (whole > 1 && text.charCodeAt(start) === 48)) return false;
  if (whole > precision - scale && !(whole === 1 && !nonZero)) return false;
  if (scale === 0) return index === length && (start === 0 || nonZero);
  if (length - index !== scale + 1 || text.charCodeAt(index) !== 46 /* . */) return false;
  for (index++; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (digit !== 0) nonZero = true;
  }
  return start === 0 || nonZero;
}

/**
 * A number as a decimal: an integer exactly; a double only when it is the nearest double to a decimal of the
 * column's scale, and that decimal has few enough digits that no other decimal shares the double. Then the double
 * is what a tool wrote for that decimal (pandas' float64 prices), and the decimal is the value.
 */
function decimalOfNumber(
  value: Exclude<FileValue, string | null>,
  shape: SourceColumn['decimal'],
): string | Refusal {
  if (typeof value === 'bigint') return coerceDecimal(String(value), shape);
  if (typeof value !== 'number') return mismatch(value, 'a decimal number');
  if (!Number.isFinite(value)) return fail(`${value} is not a decimal number`);
  const scale = shape?.scale;
  const text =
    scale === undefined ? plainShortest(value) : Math.abs(value) < 1e21 ? value.toFixed(scale) : '';
  const kind = shape ? `numeric(${shape.precision},${shape.scale})` : 'numeric';
  if (text === '' || Number(text) !== value)
    return fail(
      `${value} is not exactly a ${kind} value (${text === '' ? 'it has no plain decimal form' : `the nearest is ${text}`})`,
    );
  if (text.replace(/^[-0.]+|\./g, '').length > doubleDigits)
    return fail(
      `${value} has more than ${doubleDigits} digits: a double cannot hold it exactly as a ${kind}`,
    );
  return coerceDecimal(text, shape);
}

/** The shortest decimal that reads back as the double, without an exponent; '' when there is none. */
function plainShortest(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? '' : text;
}

/**
 * `YYYY-MM-DD[ T]HH:MM:SS[.fraction]` read in place, by arithmetic: COPY's `2024-02-29 10:11:12.345` costs one
 * string (the lake's `2024-02-29T10:11:12.345`), and text already in the lake's form costs none.
 */
function coerceTimestamp(text: string): string | Refusal {
  const length = text.length;
  const separator = text.charCodeAt(10);
  if (
    length < 19 ||
    (separator !== 32 /* space */ && separator !== 84) /* T */ ||
    !validDateAt(text, 0) ||
    !validTimeAt(text, 11) ||
    !(length === 19 || validFraction(text, 19))
  )
    return fail(`${quote(text)} is not a timestamp (YYYY-MM-DD HH:MM:SS[.mmm])`);
  if (finerThanMs(text, 23))
    return fail(`${quote(text)} is finer than milliseconds: it cannot be stored exactly in timestamp(3)`);
  if (length === 23) return separator === 84 ? text : `${text.slice(0, 10)}T${text.slice(11)}`;
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${milliseconds(text, 20)}`;
}

function coerceTime(text: string): string | Refusal {
  if (text.length < 8 || !validTimeAt(text, 0) || !(text.length === 8 || validFraction(text, 8)))
    return fail(`${quote(text)} is not a time of day (HH:MM:SS[.mmm])`);
  if (finerThanMs(text, 12)) return fail(`${quote(text)} is finer than milliseconds`);
  return text.length === 12 ? text : `${text.slice(0, 8)}.${milliseconds(text, 9)}`;
}

/** From `at` to the end: `.` and at least one digit, and only digits. */
function validFraction(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 46 /* . */ || text.length === at + 1) return false;
  for (let index = at + 1; index < text.length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  return true;
}

/** Whether a digit past the milliseconds (from `at`) is not zero. */
function finerThanMs(text: string, at: number): boolean {
  for (let index = at; index < text.length; index++) if (text.charCodeAt(index) !== 48) return true;
  return false;
}

/** The fraction's first three digits (from `at`), padded with zeros: the milliseconds. */
function milliseconds(text: string, at: number): string {
  return text.slice(at, at + 3).padEnd(3, '0');
}

/** A count of some unit in whole milliseconds, or undefined when it is finer. */
function wholeMs(count: bigint, unit: InstantUnit): bigint | undefined {
  if (unit === 's') return count * 1000n;
  const per = perMs[unit];
  return count % per === 0n ? count / per : undefined;
}

/**
 * A typed temporal value as a timestamp, date or time: exact when it is whole milliseconds (a timestamp[ns] of
 * pandas usually is), and for a date when it falls on midnight.
 */
function coerceInstant(
  target: 'timestamp' | 'date' | 'time',
  value: Exclude<FileValue, string | null>,
): string | Refusal {
  if (typeof value !== 'object') return mismatch(value, `a ${target}`);
  const what = value.kind === 'date' ? show(value) : `${value.kind} ${value.count} ${value.unit}`;
  const ms = value.kind === 'date' ? BigInt(value.days) * msPerDay : wholeMs(value.count, value.unit);
  if (ms === undefined) return fail(`${what} is finer than milliseconds: it cannot be stored exactly`);
  const formatted =
    value.kind === 'time'
      ? target === 'time'
        ? formatTime(Number(ms))
        : undefined
      : target === 'timestamp'
        ? formatTimestamp(Number(ms))
        : target === 'date' && ms % msPerDay === 0n
          ? formatDate(Number(ms / msPerDay))
          : undefined;
  if (formatted === undefined) return fail(`${what} is not a ${target} this column can hold exactly`);
  return formatted;
}

/**
 * A number or a date as text: an integer as its digits and a date as `YYYY-MM-DD` (how totesys keeps its dates)
 * are exact; a fractional double, a boolean or a timestamp has no one text form, and is refused.
 */
function textOfValue(column: SourceColumn, value: Exclude<FileValue, string | null>): string | Refusal {
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)))
    return withinLength(column, String(value));
  if (typeof value === 'object' && value.kind === 'date') {
    const text = formatDate(value.days);
    if (text !== undefined) return withinLength(column, text);
  }
  return mismatch(value, 'text');
}

/** The length limit of each SQL type seen (`character varying(3)` → 3), read once per type, not per value. */
const lengthLimits = new Map<string, number | undefined>();

function withinLength(column: SourceColumn, text: string): string | Refusal {
  let limit = lengthLimits.get(column.sql);
  if (limit === undefined && !lengthLimits.has(column.sql)) {
    const digits = /^character varying\((\d+)\)$/.exec(column.sql)?.[1];
    limit = digits ? Number(digits) : undefined;
    lengthLimits.set(column.sql, limit);
  }
  // A text no longer in UTF-16 units than the limit is no longer in characters either.
  if (limit !== undefined && text.length > limit && [...text].length > limit)
    return fail(`${quote(text)} is longer than ${limit} characters`);
  return text;
}

/** `YYYY-MM-DD` at `at`, a real calendar day, by arithmetic: this runs for every date and timestamp of a file. */
function validDateAt(text: string, at: number): boolean {
  if (text.charCodeAt(at + 4) !== 45 || text.charCodeAt(at + 7) !== 45) return false;
  const year = digitsAt(text, at, 4);
  const month = digitsAt(text, at + 5, 2);
  const day = digitsAt(text, at + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  if (month === 2) return day <= ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/** `HH:MM:SS` at `at`, within a day, by arithmetic: this runs for every time and timestamp of a file. */
function validTimeAt(text: string, at: number): boolean {
  if (text.charCodeAt(at + 2) !== 58 || text.charCodeAt(at + 5) !== 58) return false;
  const hours = digitsAt(text, at, 2);
  const minutes = digitsAt(text, at + 3, 2);
  const seconds = digitsAt(text, at + 6, 2);
  return hours >= 0 && hours < 24 && minutes >= 0 && minutes < 60 && seconds >= 0 && seconds < 60;
}

/** The `count` decimal digits at `at` as a number; -1 when one is not a digit (or is past the end). */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}
