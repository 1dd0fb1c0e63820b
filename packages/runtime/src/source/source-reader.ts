import type { ChangeWindow, Watermark } from '@totes/contracts';
import { LakeType, type SourceTable } from '@totes/model';
import pg from 'pg';
import { SourceSchemaMismatchError } from '../errors';
import type { ColumnBatch } from '../lake/column-batch';
import { lakeTypes } from '../postgres';
import {
  bindWindowValues,
  copyBatches,
  copyColumnsOf,
  copyWindowValue,
  type WindowValue,
} from './copy-window';

/** What the detector counts in a table: the rows past its watermark, and the rows in its safety margin. */
export interface PendingChanges {
  /** Rows past the watermark. */
  readonly rows: number;
  /** Rows at or below the watermark but after `marginFrom`: more than were extracted means a late commit. */
  readonly marginRows: number;
  /** The newest `last_updated` among them: the upper bound of the window to extract; null for an empty table. */
  readonly upTo: string | null;
  /** Rows past the watermark stamped at or before {@link cap}: the watermark has yet to move past them. */
  readonly dueRows: number;
  /** The sum of the `last_updated` (epoch milliseconds, as decimal text) of the rows past the watermark. */
  readonly stampSum: string;
  /** Rows stamped after the source's own clock: in the future. */
  readonly futureRows: number;
  /** The source's clock less the late-commit margin, read in the same query: no watermark may pass it. */
  readonly cap: string;
}

/**
 * What an extraction leaves past the watermark: the rows of its window stamped after its cap. They are in the lake,
 * but the watermark stays below them until the clock passes them; the detector compares these figures with what it
 * counts past the watermark, so that it asks again only when something there changed.
 */
export interface HeldRows {
  readonly rows: number;
  /** The sum of their `last_updated` in epoch milliseconds, as decimal text. */
  readonly stampSum: string;
}

/** The source's clock, read in the extraction's own snapshot, and the rows of the window held past the watermark. */
export interface SourceHorizon {
  readonly cap: string;
  readonly held: HeldRows;
}

const q = pg.escapeIdentifier;

/** A bind parameter of a query. */
const parameter: WindowValue = (index, type) => `$${index}::${type}`;

function pastWatermark(
  source: SourceTable,
  after: Watermark | null,
  firstParameter: number,
  value: WindowValue = parameter,
): string {
  if (!after) return 'TRUE';
  return `(${q(source.cursor)}, ${q(source.primaryKey)}) > (${value(firstParameter, 'timestamp')}, ${value(firstParameter + 1, 'integer')})`;
}

function watermarkValues(after: Watermark | null): unknown[] {
  return after ? [after.lastUpdated, after.id] : [];
}

/** The source's clock less a margin, truncated to the milliseconds `last_updated` holds (sessions run in UTC). */
function capSql(marginParameter: number): string {
  return `date_trunc('milliseconds', localtimestamp) - $${marginParameter}::integer * interval '1 millisecond'`;
}

/** A row's `last_updated` in epoch milliseconds: the same figure in the detector's count and the extractor's. */
function stampMs(source: SourceTable): string {
  return `floor(extract(epoch FROM ${q(source.cursor)}) * 1000)::bigint`;
}

/**
 * Counts the rows past the watermark, the rows in the safety margin `(marginFrom, watermark]`, the rows stamped in
 * the future, and reads the source's clock less `marginMs`, all in one query. Reads only; writes nothing.
 */
export async function findPendingChanges(
  pool: pg.Pool,
  source: SourceTable,
  after: Watermark | null,
  marginFrom: string | null,
  marginMs: number,
): Promise<PendingChanges> {
  const cursor = q(source.cursor);
  const past = pastWatermark(source, after, 2);
  const inMargin = after ? `${cursor} > $4::timestamp` : 'FALSE';
  // Rows in the future are counted whatever the watermark, so the scan reaches back to the cap as well.
  const from = after ? `${cursor} >= least($4::timestamp, cap)` : 'TRUE';
  const { rows } = await pool.query<{
    rows: number;
    margin_rows: number;
    up_to: string | null;
    due_rows: number;
    stamp_sum: string;
    future_rows: number;
    cap: string;
  }>({
    text: `WITH clock AS (SELECT ${capSql(1)} AS cap, localtimestamp AS source_now)
      SELECT count(*) FILTER (WHERE ${past})::integer AS rows,
             count(*) FILTER (WHERE NOT ${past} AND ${inMargin})::integer AS margin_rows,
             max(${cursor}) FILTER (WHERE ${past} OR ${inMargin}) AS up_to,
             count(*) FILTER (WHERE ${past} AND ${cursor} <= cap)::integer AS due_rows,
             coalesce(sum(${stampMs(source)}) FILTER (WHERE ${past}), 0)::text AS stamp_sum,
             count(*) FILTER (WHERE ${cursor} > source_now)::integer AS future_rows,
             (SELECT cap FROM clock) AS cap
      FROM clock CROSS JOIN ${q(source.name)} WHERE ${from}`,
    values: [marginMs, ...(after ? [...watermarkValues(after), marginFrom ?? after.lastUpdated] : [])],
    types: lakeTypes,
  });
  const found = rows[0];
  if (!found) throw new Error(`no count of ${source.name}`);
  return {
    rows: found.rows,
    marginRows: found.margin_rows,
    upTo: found.up_to,
    dueRows: found.due_rows,
    stampSum: found.stamp_sum,
    futureRows: found.future_rows,
    cap: found.cap,
  };
}

/** Reads the source's clock less `marginMs`, and the rows of the window stamped after it, in the snapshot open on `client`. */
async function readHorizon(
  client: pg.PoolClient,
  source: SourceTable,
  upTo: string,
  marginMs: number,
): Promise<SourceHorizon> {
  const cursor = q(source.cursor);
  const { rows } = await client.query<{ cap: string; rows: number; stamp_sum: string }>({
    text: `WITH clock AS (SELECT ${capSql(1)} AS cap)
      SELECT (SELECT cap FROM clock) AS cap, count(*)::integer AS rows,
             coalesce(sum(${stampMs(source)}), 0)::text AS stamp_sum
      FROM clock CROSS JOIN ${q(source.name)} WHERE ${cursor} > cap AND ${cursor} <= $2::timestamp`,
    values: [marginMs, upTo],
    types: lakeTypes,
  });
  const found = rows[0];
  if (!found) throw new Error(`no horizon of ${source.name}`);
  return { cap: found.cap, held: { rows: found.rows, stampSum: found.stamp_sum } };
}

/**
 * The window's SELECT: the catalog's columns of the rows after the watermark (or after `rereadFrom`) up to `upTo`,
 * in (last_updated, key) order, with its values, which `value` places.
 */
function windowSelect(source: SourceTable, window: ChangeWindow, value: WindowValue) {
  const start = window.rereadFrom
    ? { sql: `${q(source.cursor)} > ${value(1, 'timestamp')}`, values: [window.rereadFrom] }
    : { sql: pastWatermark(source, window.after, 1, value), values: watermarkValues(window.after) };
  const columns = source.columns.map((column) => q(column.name)).join(', ');
  return {
    sql: `SELECT ${columns} FROM ${q(source.name)}
         WHERE ${start.sql} AND ${q(source.cursor)} <= ${value(start.values.length + 1, 'timestamp')}
         ORDER BY ${q(source.cursor)}, ${q(source.primaryKey)}`,
    values: [...start.values, window.upTo],
  };
}

/** Asks a window read for the source's clock and the rows it holds past the watermark, read in its own snapshot. */
export interface HorizonRequest {
  /** The late-commit margin: the cap is the source's clock less this. */
  readonly marginMs: number;
  /** Called once, before the first batch. */
  report(horizon: SourceHorizon): void;
}

/**
 * Streams the rows of a change window as column batches of at most `batchSize` rows, ordered by (last_updated,
 * primary key): the window's SELECT runs as a binary COPY decoded straight into Arrow buffers, so no row becomes an
 * object, and memory holds a batch or two whatever the table's size (see {@link copyBatches}). Columns come from
 * the catalog only. With a `horizon` request, the source's clock is read first in the same snapshot (see
 * {@link SourceHorizon}).
 *
 * @throws {@link SourceSchemaMismatchError} when a column is missing or of a type its lake type cannot be read from.
 * @throws {@link UnreadableSourceValueError} when a value does not fit its column (an infinite timestamp, a NaN).
 */
export async function* readChangeWindow(
  pool: pg.Pool,
  source: SourceTable,
  window: ChangeWindow,
  batchSize = 10_000,
  horizon?: HorizonRequest,
): AsyncGenerator<ColumnBatch> {
  const client = await pool.connect();
  let ended = false;
  let broken: Error | undefined;
  try {
    // One snapshot for the whole read, so the horizon, the types and the rows agree with each other.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (horizon) horizon.report(await readHorizon(client, source, window.upTo, horizon.marginMs));
    const columns = await copyColumnsOf(client, source);
    const select = windowSelect(source, window, copyWindowValue);
    await bindWindowValues(client, select.values);
    yield* copyBatches(client, source.name, columns, select.sql, batchSize);
    await client.query('COMMIT');
    ended = true;
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A client whose read failed or was left half-way (its COPY still streaming) is destroyed, not pooled.
    client.release(ended ? undefined : (broken ?? new Error('the window read was abandoned')));
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
