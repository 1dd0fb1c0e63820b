// Conversions between the in-memory text forms of temporal values and the integers Arrow stores, by calendar
// arithmetic (no Date objects: these run once per value of every part). Parsers accept only the canonical
// fixed-width forms of real values (no 2024-02-30, no 25:00), so the round trip is exact.

const msPerDay = 86_400_000;
const decimalPattern = /^-?\d+(\.\d+)?$/;

// Years 0000–9999: what the four-digit text forms can hold.
const minEpochMs = daysFromCivil(0, 1, 1) * msPerDay;
const maxEpochMs = daysFromCivil(9999, 12, 31) * msPerDay + msPerDay - 1;

/** Whether epoch milliseconds fall within years 0000–9999, which {@link formatTimestamp} can write. */
export function isEpochMsInRange(epochMs: number): boolean {
  return epochMs >= minEpochMs && epochMs <= maxEpochMs;
}

/** Whether days since 1970-01-01 fall within years 0000–9999, which {@link formatDate} can write. */
export function isDayInRange(days: number): boolean {
  return days * msPerDay >= minEpochMs && days * msPerDay <= maxEpochMs;
}

/** Whether milliseconds since midnight fall within 0–24h, which {@link formatTime} can write. */
export function isTimeInRange(ms: number): boolean {
  return ms >= 0 && ms <= msPerDay;
}

/** `'YYYY-MM-DDTHH:MM:SS.mmm'`, read as UTC, to epoch milliseconds; `undefined` if not that form or not real. */
export function parseTimestamp(text: string): number | undefined {
  if (text.length !== 23 || text.charCodeAt(10) !== 84 /* T */) return undefined;
  // Read in place: this runs for every timestamp the lake writes.
  const day = dateAt(text, 0);
  const ms = timeAt(text, 11);
  if (day === undefined || ms === undefined || ms >= msPerDay) return undefined;
  return day * msPerDay + ms;
}

/** Epoch milliseconds to `'YYYY-MM-DDTHH:MM:SS.mmm'` (UTC); `undefined` outside years 0000–9999. */
export function formatTimestamp(epochMs: number): string | undefined {
  if (!Number.isInteger(epochMs) || epochMs < minEpochMs || epochMs > maxEpochMs) return undefined;
  const days = Math.floor(epochMs / msPerDay);
  return `${formatDays(days)}T${formatTime(epochMs - days * msPerDay)}`;
}

/** `'YYYY-MM-DD'` to days since 1970-01-01; `undefined` if not that form or not a real day. */
export function parseDate(text: string): number | undefined {
  return text.length === 10 ? dateAt(text, 0) : undefined;
}

// `YYYY-MM-DD` at `at` to days since 1970-01-01.
function dateAt(text: string, at: number): number | undefined {
  if (text.charCodeAt(at + 4) !== 45 || text.charCodeAt(at + 7) !== 45) return undefined;
  const year = digits(text, at, at + 4);
  const month = digits(text, at + 5, at + 7);
  const day = digits(text, at + 8, at + 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** Days since 1970-01-01 to `'YYYY-MM-DD'`; `undefined` outside years 0000–9999. */
export function formatDate(days: number): string | undefined {
  const epochMs = days * msPerDay;
  if (!Number.isInteger(days) || epochMs < minEpochMs || epochMs > maxEpochMs) return undefined;
  return formatDays(days);
}

/** `'HH:MM:SS.mmm'` to milliseconds since midnight; `24:00:00.000` (which Postgres allows) is one full day. */
export function parseTime(text: string): number | undefined {
  return text.length === 12 ? timeAt(text, 0) : undefined;
}

// `HH:MM:SS.mmm` at `at` to milliseconds since midnight.
function timeAt(text: string, at: number): number | undefined {
  if (text.charCodeAt(at + 2) !== 58 || text.charCodeAt(at + 5) !== 58 || text.charCodeAt(at + 8) !== 46)
    return undefined;
  const hours = digits(text, at, at + 2);
  const minutes = digits(text, at + 3, at + 5);
  const seconds = digits(text, at + 6, at + 8);
  const ms = digits(text, at + 9, at + 12);
  if (hours < 0 || minutes < 0 || seconds < 0 || ms < 0 || minutes > 59 || seconds > 59) return undefined;
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
  return total <= msPerDay ? total : undefined;
}

/** Milliseconds since midnight to `'HH:MM:SS.mmm'`; `undefined` outside 0–24h. */
export function formatTime(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < 0 || ms > msPerDay) return undefined;
  const seconds = Math.floor(ms / 1000);
  return `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${pad3(ms % 1000)}`;
}

/** A plain decimal text: optional minus, digits, optional fraction. No exponent, no `+`, no spaces. */
export function isDecimalText(text: string): boolean {
  return decimalPattern.test(text);
}

/** The decimal number in `text[from, to)`, or -1 when a character is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Proleptic Gregorian days since 1970-01-01 (H. Hinnant's days_from_civil), exact for any year.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// The inverse (civil_from_days), formatted; days within years 0000–9999.
function formatDays(days: number): string {
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
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function pad3(value: number): string {
  return value < 10 ? `00${value}` : value < 100 ? `0${value}` : String(value);
}
