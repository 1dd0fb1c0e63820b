import type { SourceTable } from '@totes/model';
import pg from 'pg';
import { lakeTypes } from '../postgres';

/** The keys a source table holds in one key range, and the source's clock when it was asked. */
export interface SourceKeys {
  /** The primary keys in the range, ascending. */
  readonly keys: readonly number[];
  /** The source's `localtimestamp` (UTC sessions) at the statement that read the keys. */
  readonly now: string;
}

const q = pg.escapeIdentifier;

/**
 * The primary keys of a source table in `[from, to)`, in one statement (one snapshot), with the source's clock. The
 * caller bounds the range, so memory holds at most `to - from` keys whatever the table's size.
 */
export async function readSourceKeys(
  pool: pg.Pool,
  source: SourceTable,
  from: number,
  to: number,
): Promise<SourceKeys> {
  const key = q(source.primaryKey);
  const { rows } = await pool.query<{ keys: number[] | null; now: string }>({
    text: `SELECT (SELECT array_agg(${key} ORDER BY ${key}) FROM ${q(source.name)}
                   WHERE ${key} >= $1 AND ${key} < $2) AS keys,
                  localtimestamp(3) AS now`,
    values: [from, to],
    types: lakeTypes,
  });
  const row = rows[0];
  return { keys: row?.keys ?? [], now: String(row?.now) };
}
