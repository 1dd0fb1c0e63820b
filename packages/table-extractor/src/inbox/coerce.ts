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

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const booleans: Record<string, boolean> = { t: true, true: true, f: false, false: false };
const timestampPattern = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
const timePattern = /^(\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
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
  if (value === null)
    return column.nullable ? { ok: true, value: null } : fail('is empty (NULL) but the column is required');
  if (typeof value === 'string') return coerceText(column, value);
  switch (column.lake) {
    case LakeType.int32:
      return typeof value === 'number' || typeof value === 'bigint'
        ? intOfNumber(value)
        : mismatch(value, 'an integer');
    case LakeType.decimal:
      return decimalOfNumber(value, column.decimal);
    case LakeType.boolean:
      return typeof value === 'boolean' ? { ok: true, value } : mismatch(value, 'a boolean');
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
function coerceText(column: SourceColumn, text: string): Coerced {
  switch (column.lake) {
    case LakeType.int32:
      return coerceInt(text);
    case LakeType.decimal:
      return coerceDecimal(text, column.decimal);
    case LakeType.boolean:
      return text.toLowerCase() in booleans
        ? { ok: true, value: booleans[text.toLowerCase()] as boolean }
        : fail(`${quote(text)} is not a boolean (t, f, true or false)`);
    case LakeType.timestamp:
      return coerceTimestamp(text);
    case LakeType.date:
      return validDate(text) ? { ok: true, value: text } : fail(`${quote(text)} is not a date (YYYY-MM-DD)`);
    case LakeType.time:
      return coerceTime(text);
    default:
      return withinLength(column, text);
  }
}

function fail(reason: string): Coerced {
  return { ok: false, reason };
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

function mismatch(value: Exclude<FileValue, string | null>, expected: string): Coerced {
  return fail(`${show(value)} is not ${expected}`);
}

function coerceInt(text: string): Coerced {
  const match = /^([+-]?\d+)(?:\.0*)?$/.exec(text);
  if (!match) return fail(`${quote(text)} is not an integer`);
  return intOfNumber(Number(match[1]), text);
}

/** An integer in int4's range; `text` is what the file held, when it was text, for the reason. */
function intOfNumber(value: number | bigint, text?: string): Coerced {
  if (typeof value === 'number' && !Number.isInteger(value))
    return fail(`${text === undefined ? value : quote(text)} is not an integer`);
  if (value < int32.min || value > int32.max)
    return fail(`${text === undefined ? value : quote(text)} is out of range for a 32-bit integer`);
  const number = Number(value);
  return { ok: true, value: number === 0 ? 0 : number };
}

function coerceDecimal(text: string, shape: SourceColumn['decimal']): Coerced {
  const match = decimalPattern.exec(text);
  const [, sign = '', whole = '', fraction = ''] = match ?? [];
  if (!match || whole + fraction === '') return fail(`${quote(text)} is not a decimal number`);
  if (!shape) return { ok: true, value: text };
  const kept = fraction.slice(0, shape.scale);
  if (/[1-9]/.test(fraction.slice(shape.scale)))
    return fail(`${quote(text)} has more than ${shape.scale} decimal places: it cannot be stored exactly`);
  const digits = whole.replace(/^0+/, '');
  if (digits.length > shape.precision - shape.scale)
    return fail(`${quote(text)} does not fit numeric(${shape.precision},${shape.scale})`);
  const scaled = shape.scale > 0 ? `${digits || '0'}.${kept.padEnd(shape.scale, '0')}` : digits || '0';
  // Zero has no sign, as PostgreSQL prints it.
  const negative = sign === '-' && /[1-9]/.test(scaled);
  return { ok: true, value: `${negative ? '-' : ''}${scaled}` };
}

/**
 * A number as a decimal: an integer exactly; a double only when it is the nearest double to a decimal of the
 * column's scale, and that decimal has few enough digits that no other decimal shares the double. Then the double
 * is what a tool wrote for that decimal (pandas' float64 prices), and the decimal is the value.
 */
function decimalOfNumber(value: Exclude<FileValue, string | null>, shape: SourceColumn['decimal']): Coerced {
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

function coerceTimestamp(text: string): Coerced {
  const match = timestampPattern.exec(text);
  const [, date = '', time = '', fraction = ''] = match ?? [];
  if (!match || !validDate(date) || !validTime(time))
    return fail(`${quote(text)} is not a timestamp (YYYY-MM-DD HH:MM:SS[.mmm])`);
  if (/[1-9]/.test(fraction.slice(3)))
    return fail(`${quote(text)} is finer than milliseconds: it cannot be stored exactly in timestamp(3)`);
  return { ok: true, value: `${date}T${time}.${fraction.slice(0, 3).padEnd(3, '0')}` };
}

function coerceTime(text: string): Coerced {
  const match = timePattern.exec(text);
  const [, time = '', fraction = ''] = match ?? [];
  if (!match || !validTime(time)) return fail(`${quote(text)} is not a time of day (HH:MM:SS[.mmm])`);
  if (/[1-9]/.test(fraction.slice(3))) return fail(`${quote(text)} is finer than milliseconds`);
  return { ok: true, value: `${time}.${fraction.slice(0, 3).padEnd(3, '0')}` };
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
): Coerced {
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
  return { ok: true, value: formatted };
}

/**
 * A number or a date as text: an integer as its digits and a date as `YYYY-MM-DD` (how totesys keeps its dates)
 * are exact; a fractional double, a boolean or a timestamp has no one text form, and is refused.
 */
function textOfValue(column: SourceColumn, value: Exclude<FileValue, string | null>): Coerced {
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)))
    return withinLength(column, String(value));
  if (typeof value === 'object' && value.kind === 'date') {
    const text = formatDate(value.days);
    if (text !== undefined) return withinLength(column, text);
  }
  return mismatch(value, 'text');
}

function withinLength(column: SourceColumn, text: string): Coerced {
  const limit = /^character varying\((\d+)\)$/.exec(column.sql)?.[1];
  if (limit && [...text].length > Number(limit))
    return fail(`${quote(text)} is longer than ${limit} characters`);
  return { ok: true, value: text };
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day, by arithmetic: this runs for every date and timestamp of a file. */
function validDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/** `HH:MM:SS` within a day, by arithmetic: this runs for every time and timestamp of a file. */
function validTime(text: string): boolean {
  const two = (at: number) => (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
  return text.length === 8 && two(0) < 24 && two(3) < 60 && two(6) < 60;
}
