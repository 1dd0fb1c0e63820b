import type { ChangeWindow, Watermark } from '@totes/contracts';
import { LakeType, type Row, type SourceTable } from '@totes/model';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { SourceSchemaMismatchError } from '../errors';
import { lakeTypes } from '../postgres';

/** What the detector counts in a table: the rows past its watermark, and the rows in its safety margin. */
export interface PendingChanges {
  /** Rows past the watermark. */
  readonly rows: number;
  /** Rows at or below the watermark but after `marginFrom`: more than were extracted means a late commit. */
  readonly marginRows: number;
  /** The newest `last_updated` among them: the upper bound of the window to extract; null for an empty table. */
  readonly upTo: string | null;
}

const q = pg.escapeIdentifier;

function pastWatermark(source: SourceTable, after: Watermark | null, firstParameter: number): string {
  if (!after) return 'TRUE';
  return `(${q(source.cursor)}, ${q(source.primaryKey)}) > ($${firstParameter}::timestamp, $${firstParameter + 1}::integer)`;
}

function watermarkValues(after: Watermark | null): unknown[] {
  return after ? [after.lastUpdated, after.id] : [];
}

/**
 * Counts the rows past the watermark, and the rows in the safety margin `(marginFrom, watermark]`, in one snapshot.
 * Reads only; writes nothing.
 */
export async function findPendingChanges(
  pool: pg.Pool,
  source: SourceTable,
  after: Watermark | null,
  marginFrom: string | null,
): Promise<PendingChanges> {
  const cursor = q(source.cursor);
  const { rows } = await pool.query<{ rows: number; margin_rows: number; up_to: string | null }>({
    text: after
      ? `SELECT count(*) FILTER (WHERE ${pastWatermark(source, after, 1)})::integer AS rows,
                count(*) FILTER (WHERE NOT ${pastWatermark(source, after, 1)})::integer AS margin_rows,
                max(${cursor}) AS up_to
         FROM ${q(source.name)} WHERE ${cursor} > $3::timestamp`
      : `SELECT count(*)::integer AS rows, 0 AS margin_rows, max(${cursor}) AS up_to FROM ${q(source.name)}`,
    values: after ? [...watermarkValues(after), marginFrom ?? after.lastUpdated] : [],
    types: lakeTypes,
  });
  const found = rows[0];
  return { rows: found?.rows ?? 0, marginRows: found?.margin_rows ?? 0, upTo: found?.up_to ?? null };
}

function windowStart(source: SourceTable, window: ChangeWindow): { sql: string; values: unknown[] } {
  if (window.rereadFrom) return { sql: `${q(source.cursor)} > $1::timestamp`, values: [window.rereadFrom] };
  return { sql: pastWatermark(source, window.after, 1), values: watermarkValues(window.after) };
}

/**
 * Streams the rows of a change window in bounded batches, ordered by (last_updated, primary key), through a
 * server-side cursor: memory holds two batches (one read ahead), whatever the table's size. Columns come from the catalog only.
 */
export async function* readChangeWindow(
  pool: pg.Pool,
  source: SourceTable,
  window: ChangeWindow,
  batchSize = 10_000,
): AsyncGenerator<Row[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // One snapshot for the whole read, so the batches agree with each other.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const columns = source.columns.map((column) => q(column.name)).join(', ');
    const start = windowStart(source, window);
    const cursor = client.query(
      new Cursor(
        `SELECT ${columns} FROM ${q(source.name)}
         WHERE ${start.sql} AND ${q(source.cursor)} <= $${start.values.length + 1}::timestamp
         ORDER BY ${q(source.cursor)}, ${q(source.primaryKey)}`,
        [...start.values, window.upTo],
        { types: lakeTypes },
      ),
    );
    // The next batch is asked for before this one is handed on, so Postgres reads while the caller encodes.
    let next: Promise<Row[]> | undefined = cursor.read(batchSize) as Promise<Row[]>;
    try {
      while (next) {
        const rows: Row[] = await next;
        next = rows.length === batchSize ? (cursor.read(batchSize) as Promise<Row[]>) : undefined;
        if (rows.length > 0) yield rows;
      }
    } finally {
      broken = await endRead(client, cursor, next);
    }
  } catch (error) {
    broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A client whose read failed or would not end is destroyed, not pooled.
    client.release(broken);
  }
}

/**
 * Closes the cursor and ends the snapshot. On a connection that died mid-read the cursor never hears back, so this
 * gives up after `timeoutMs`; it returns the error that makes the client unfit for the pool, if any.
 */
async function endRead(
  client: pg.PoolClient,
  cursor: Cursor,
  next: Promise<Row[]> | undefined,
  timeoutMs = 5000,
): Promise<Error | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error('the source did not end the read in time')), timeoutMs);
  });
  const ended = (async () => {
    await next?.catch(() => {});
    await cursor.close();
    await client.query('COMMIT');
    return undefined;
  })().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  try {
    return await Promise.race([ended, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** The lake type a Postgres column type reads as, for schema drift checks. */
function lakeTypeOfSql(dataType: string): string {
  switch (dataType) {
    case 'integer':
    case 'smallint':
      return LakeType.int32;
    case 'numeric':
      return LakeType.decimal;
    case 'boolean':
      return LakeType.boolean;
    case 'timestamp without time zone':
      return LakeType.timestamp;
    case 'text':
    case 'character varying':
    case 'character':
    case 'USER-DEFINED':
      return LakeType.string;
    default:
      return dataType;
  }
}

/** What a drift check found that does not stop the table: columns the source has and the catalog does not. */
export interface SchemaCheck {
  readonly addedColumns: readonly string[];
}

/**
 * Compares the live source table with the catalog. A missing table, a dropped column or a column whose type
 * reads differently throws a {@link SourceSchemaMismatchError}; added columns are reported and ignored.
 */
export async function checkSourceSchema(pool: pg.Pool, source: SourceTable): Promise<SchemaCheck> {
  const { rows } = await pool.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1`,
    [source.name],
  );
  if (rows.length === 0) {
    throw new SourceSchemaMismatchError(
      source.name,
      `source table "${source.name}" does not exist or is not readable`,
    );
  }
  const live = new Map(rows.map((row) => [row.column_name, lakeTypeOfSql(row.data_type)]));
  const problems: string[] = [];
  for (const column of source.columns) {
    const found = live.get(column.name);
    if (!found) problems.push(`column ${column.name} is missing`);
    else if (found !== column.lake)
      problems.push(`column ${column.name} reads as ${found}, expected ${column.lake}`);
  }
  if (problems.length > 0) {
    throw new SourceSchemaMismatchError(
      source.name,
      `source table "${source.name}" has drifted: ${problems.join('; ')}`,
    );
  }
  const known = new Set(source.columns.map((column) => column.name));
  return { addedColumns: rows.map((row) => row.column_name).filter((name) => !known.has(name)) };
}
