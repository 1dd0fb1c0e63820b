import { LakeType, type LakeValue, type SourceColumn } from '@totes/model';

/** A file's text value as the catalog's type, or why it cannot be, exactly. */
export type Coerced =
  | { readonly ok: true; readonly value: LakeValue }
  | { readonly ok: false; readonly reason: string };

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const booleans: Record<string, boolean> = { t: true, true: true, f: false, false: false };
const timestampPattern = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
const timePattern = /^(\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;
const decimalPattern = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Converts a value read from a file (text, or null for NULL) to the column's lake type, only where the conversion
 * is exact: `12.5` into `numeric(10,2)` is `12.50`, but `1.005` is refused, as are 2^40 into an int4 and a
 * timestamp with more than millisecond precision into `timestamp(3)`. Values come out as the database extraction
 * gives them, so the raw zone holds the same rows whichever source they came from.
 */
export function coerceValue(column: SourceColumn, text: string | null): Coerced {
  if (text === null)
    return column.nullable ? { ok: true, value: null } : fail('is empty (NULL) but the column is required');
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
      return coerceText(column, text);
  }
}

function fail(reason: string): Coerced {
  return { ok: false, reason };
}

/** A value in a reason, capped so one long field cannot flood a log or the ledger. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function coerceInt(text: string): Coerced {
  const match = /^([+-]?\d+)(?:\.0*)?$/.exec(text);
  if (!match) return fail(`${quote(text)} is not an integer`);
  const value = Number(match[1]);
  if (value < int32.min || value > int32.max)
    return fail(`${quote(text)} is out of range for a 32-bit integer`);
  return { ok: true, value: value === 0 ? 0 : value };
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

function coerceText(column: SourceColumn, text: string): Coerced {
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
