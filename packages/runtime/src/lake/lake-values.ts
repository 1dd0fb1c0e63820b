// Conversions between the in-memory text forms of temporal values and the integers Arrow stores.
// Every parser checks that formatting its result gives back the input, so only canonical, real values pass
// (no 2024-02-30, no 25:00) and the round trip is exact.

const msPerDay = 86_400_000;
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timePattern = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;
const decimalPattern = /^-?\d+(\.\d+)?$/;

// Years 0000–9999: what the four-digit text forms can hold.
const minEpochMs = utcMs(0, 1, 1);
const maxEpochMs = utcMs(9999, 12, 31) + msPerDay - 1;

/** `'YYYY-MM-DDTHH:MM:SS.mmm'`, read as UTC, to epoch milliseconds; `undefined` if not that form or not real. */
export function parseTimestamp(text: string): number | undefined {
  if (!timestampPattern.test(text)) return undefined;
  const [date = '', time = ''] = text.split('T');
  const day = parseDate(date);
  const ms = parseTime(time);
  if (day === undefined || ms === undefined || ms >= msPerDay) return undefined;
  return day * msPerDay + ms;
}

/** Epoch milliseconds to `'YYYY-MM-DDTHH:MM:SS.mmm'` (UTC); `undefined` outside years 0000–9999. */
export function formatTimestamp(epochMs: number): string | undefined {
  if (!Number.isInteger(epochMs) || epochMs < minEpochMs || epochMs > maxEpochMs) return undefined;
  return new Date(epochMs).toISOString().slice(0, 23);
}

/** `'YYYY-MM-DD'` to days since 1970-01-01; `undefined` if not that form or not a real day. */
export function parseDate(text: string): number | undefined {
  const match = datePattern.exec(text);
  if (!match) return undefined;
  const days = utcMs(Number(match[1]), Number(match[2]), Number(match[3])) / msPerDay;
  return formatDate(days) === text ? days : undefined;
}

/** Days since 1970-01-01 to `'YYYY-MM-DD'`; `undefined` outside years 0000–9999. */
export function formatDate(days: number): string | undefined {
  const epochMs = days * msPerDay;
  if (!Number.isInteger(days) || epochMs < minEpochMs || epochMs > maxEpochMs) return undefined;
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** `'HH:MM:SS.mmm'` to milliseconds since midnight; `24:00:00.000` (which Postgres allows) is one full day. */
export function parseTime(text: string): number | undefined {
  const match = timePattern.exec(text);
  if (!match) return undefined;
  const [hours, minutes, seconds, ms] = match.slice(1).map(Number) as [number, number, number, number];
  if (minutes > 59 || seconds > 59) return undefined;
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
  return total <= msPerDay ? total : undefined;
}

/** Milliseconds since midnight to `'HH:MM:SS.mmm'`; `undefined` outside 0–24h. */
export function formatTime(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < 0 || ms > msPerDay) return undefined;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const seconds = Math.floor(ms / 1000);
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.${pad(ms % 1000, 3)}`;
}

/** A plain decimal text: optional minus, digits, optional fraction. No exponent, no `+`, no spaces. */
export function isDecimalText(text: string): boolean {
  return decimalPattern.test(text);
}

// Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
function utcMs(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}
