import pg from 'pg';
import { formatTimestamp, parseTimestamp } from './lake/lake-values';

/** The `timestamp without time zone` type: kept as text so no zone ever shifts it. */
const timestampOid = 1114;
const dateOid = 1082;
const timeOid = 1083;

/**
 * Normalises Postgres' timestamp text (`2024-11-15 09:30:00.1`) to the lake's fixed form
 * (`2024-11-15T09:30:00.100`), whose text order is its time order.
 */
export function canonicalTimestamp(text: string): string {
  // The usual `YYYY-MM-DD HH:MM:SS[.f…]` by slicing (this runs per timestamp read); anything else below.
  if (text.length >= 19 && text.charCodeAt(10) === 32) {
    if (text.length === 19) return `${text.slice(0, 10)}T${text.slice(11)}.000`;
    if (text.charCodeAt(19) === 46 && text.length <= 26 && !text.includes(' ', 20))
      return `${text.slice(0, 10)}T${text.slice(11, 19)}.${text.slice(20, 23).padEnd(3, '0')}`;
  }
  const [date, time = '00:00:00'] = text.split(' ');
  const [whole, fraction = ''] = time.split('.');
  return `${date}T${whole}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/** Normalises Postgres' time text to `HH:MM:SS.mmm`. */
export function canonicalTime(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/** Type parsers that keep values as the lake holds them: timestamps, dates and numerics as exact text. */
export const lakeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === timestampOid) return canonicalTimestamp;
    if (oid === timeOid) return canonicalTime;
    if (oid === dateOid) return (text: string) => text;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  /** Every session is read-only: the platform never writes to the source. */
  readOnly?: boolean;
  max?: number;
  applicationName?: string;
}

/** A connection pool whose sessions run in UTC and parse values as the lake holds them. */
export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 4,
    types: lakeTypes,
    application_name: options.applicationName ?? 'totes',
    options: `-c TimeZone=UTC${options.readOnly ? ' -c default_transaction_read_only=on' : ''}`,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor may the error of a checked-out client whose connection is cut between two queries (found by the soak's
  // warehouse outage: it crashed the loader). The next query on it fails, the handler's message is retried, and
  // the pool discards the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** A lake timestamp moved by `ms` milliseconds (negative for earlier), in the same fixed form. */
export function shiftTimestamp(timestamp: string, ms: number): string {
  // The canonical form by arithmetic (this runs per extracted row); anything else through Date.
  const epochMs = parseTimestamp(timestamp);
  const shifted = epochMs === undefined ? undefined : formatTimestamp(epochMs + ms);
  return shifted ?? new Date(new Date(`${timestamp}Z`).getTime() + ms).toISOString().slice(0, 23);
}
