import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  factVersionKey,
  type LakeColumn,
  processedColumnsOf,
  sourceVersionColumn,
  type WarehouseModel,
} from '@totes/model';
import { type ColumnBatch, copyBinaryHeader, copyBinaryTrailer } from '@totes/runtime';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyBinary } from './copy-binary';
import { qualifiedTable } from './ddl';

const q = pg.escapeIdentifier;

/** The temporary table a load transaction COPYs its rows into before it merges them. */
export const stagingTable = 'totes_staging';

/** The PostgreSQL type a lake column is staged (and compared) as. */
export const stagingType: Record<LakeColumn['lake'], string> = {
  int32: 'integer',
  string: 'text',
  decimal: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamp(3)',
  date: 'date',
  time: 'time(3)',
};

/** The staging table of one transaction, dropped at its commit. */
export function stagingDdl(columns: readonly LakeColumn[]): string {
  const list = columns.map((column) => `${q(column.name)} ${stagingType[column.lake]}`).join(', ');
  return `CREATE TEMP TABLE ${stagingTable} (${list}) ON COMMIT DROP`;
}

/** Streams the column batches into the staging table with COPY; returns the rows copied. */
export function copyIntoStaging(
  client: pg.ClientBase,
  columns: readonly LakeColumn[],
  batches: AsyncIterable<ColumnBatch>,
): Promise<number> {
  return copyRows(client, stagingTable, columns, batches);
}

/** Streams the column batches into `table` (an identifier, quoted) with COPY; returns the rows copied. */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly LakeColumn[],
  batches: AsyncIterable<ColumnBatch>,
): Promise<number> {
  let received = 0;
  // The binary format: measured faster than the text format on both sides (docs/benchmarks.md).
  async function* tuples() {
    yield copyBinaryHeader;
    for await (const batch of batches) {
      received += batch.length;
      yield copyBinary(columns, batch);
    }
    yield copyBinaryTrailer;
  }
  const list = columns.map((column) => q(column.name)).join(', ');
  const sink = client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN (FORMAT binary)`));
  // One batch's tuples ahead of the socket, not Readable.from's default 16: memory holds about one part.
  await pipeline(Readable.from(tuples(), { highWaterMark: 1 }), sink);
  return received;
}

/**
 * The merge of the staging table into the model's table; its row count is the rows written. Rows go in key order,
 * so transactions merging overlapping keys (two messages of a model, or two parts of one) take their row locks in
 * the same order and never deadlock.
 */
export function mergeSql(schema: string, model: WarehouseModel): string {
  const target = qualifiedTable(schema, model);
  const columns = processedColumnsOf(model).map((column) => q(column.name));
  const list = columns.join(', ');
  if (model.kind === 'fact') {
    const key = factVersionKey(model).map(q).join(', ');
    return `INSERT INTO ${target} (${list})
      SELECT DISTINCT ON (${key}) ${list} FROM ${stagingTable} ORDER BY ${key}
      ON CONFLICT (${key}) DO NOTHING`;
  }
  const key = q(model.key);
  if (model.build === 'calendar') {
    return `INSERT INTO ${target} (${list})
      SELECT DISTINCT ON (${key}) ${list} FROM ${stagingTable} ORDER BY ${key}
      ON CONFLICT (${key}) DO NOTHING`;
  }
  const version = q(sourceVersionColumn);
  const values = columns.filter((column) => column !== key);
  const current = values.map((column) => `${target}.${column}`).join(', ');
  const incoming = values.map((column) => `EXCLUDED.${column}`).join(', ');
  // A load never replaces a row built from newer sources, and an identical row is not counted as written.
  return `INSERT INTO ${target} (${list})
    SELECT DISTINCT ON (${key}) ${list} FROM ${stagingTable} ORDER BY ${key}, ${version} DESC
    ON CONFLICT (${key}) DO UPDATE SET ${values.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
    WHERE ${target}.${version} < EXCLUDED.${version}
       OR (${target}.${version} = EXCLUDED.${version} AND (${current}) IS DISTINCT FROM (${incoming}))`;
}
