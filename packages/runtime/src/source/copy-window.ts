import type { LakeColumn, SourceTable } from '@totes/model';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { SourceSchemaMismatchError } from '../errors';
import type { ColumnBatch } from '../lake/column-batch';
import { SourceForm } from '../pg-binary/column-builder';
import { CopyBinaryDecoder, type CopyColumn } from '../pg-binary/copy-decoder';

// The OIDs of the built-in types the catalog's columns read from.
const Oid = {
  bool: 16,
  int2: 21,
  int4: 23,
  text: 25,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  numeric: 1700,
} as const;
const textOids: ReadonlySet<number> = new Set([Oid.text, Oid.bpchar, Oid.varchar]);

/** A value of the window's SELECT: `$n::type` in a query, a transaction's setting in a COPY. */
export type WindowValue = (index: number, type: 'timestamp' | 'integer') => string;

/**
 * The window's values inside a COPY, which takes no bind parameters: each is a setting local to the read's
 * transaction, set by parameter (see {@link bindWindowValues}), never spliced into the SQL. The scalar subquery is
 * an InitPlan, so each is read and cast once, not per row.
 */
export const copyWindowValue: WindowValue = (index, type) =>
  `(SELECT current_setting('totes.window_${index}')::${type})`;

/** Sets the values that {@link copyWindowValue} reads, for the rest of the transaction open on `client`. */
export async function bindWindowValues(client: pg.PoolClient, values: readonly unknown[]): Promise<void> {
  if (values.length === 0) return;
  const settings = values.map((_, index) => `set_config('totes.window_${index + 1}', $${index + 1}, true)`);
  await client.query(`SELECT ${settings.join(', ')}`, values.map(String));
}

/**
 * How each catalog column of `source` arrives in a binary COPY, from the live table's column types, read in the
 * transaction open on `client`.
 *
 * @throws {@link SourceSchemaMismatchError} when a column is missing, or of a type that does not read as its lake
 * type (the drift check normally stops such a table before it is read).
 */
export async function copyColumnsOf(client: pg.PoolClient, source: SourceTable): Promise<CopyColumn[]> {
  const { rows } = await client.query<{ name: string; oid: number; kind: string; type: string }>(
    `SELECT a.attname AS name, a.atttypid::integer AS oid, t.typtype AS kind,
            format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [pg.escapeIdentifier(source.name)],
  );
  const live = new Map(rows.map((row) => [row.name, row]));
  return source.columns.map((column) => {
    const found = live.get(column.name);
    if (!found) throw new SourceSchemaMismatchError(source.name, `column ${column.name} is missing`);
    const form = formOf(column, found.oid, found.kind);
    if (!form)
      throw new SourceSchemaMismatchError(
        source.name,
        `source table "${source.name}" column ${column.name} is ${found.type}, which the extractor cannot read as ${column.lake}`,
      );
    return { column, form };
  });
}

function formOf(column: LakeColumn, oid: number, kind: string): SourceForm | undefined {
  switch (column.lake) {
    case 'int32':
      return oid === Oid.int4 ? SourceForm.int4 : oid === Oid.int2 ? SourceForm.int2 : undefined;
    case 'decimal':
      if (oid !== Oid.numeric) return undefined;
      return column.decimal ? SourceForm.decimal128 : SourceForm.decimalText;
    case 'string':
      // An enum sends its label as text.
      return textOids.has(oid) || kind === 'e' ? SourceForm.text : undefined;
    case 'boolean':
      return oid === Oid.bool ? SourceForm.boolean : undefined;
    case 'date':
      return oid === Oid.date ? SourceForm.date : undefined;
    case 'time':
      return oid === Oid.time ? SourceForm.time : undefined;
    case 'timestamp':
      return oid === Oid.timestamp ? SourceForm.timestamp : undefined;
  }
}

/**
 * Streams `select` as `COPY … TO STDOUT (FORMAT binary)` and decodes it into column batches of `batchSize` rows.
 * The stream is read only while a batch is being decoded: while the caller encodes one, the socket fills and
 * PostgreSQL waits, so memory holds a batch and the socket's buffers whatever the table's size.
 */
export async function* copyBatches(
  client: pg.PoolClient,
  table: string,
  columns: readonly CopyColumn[],
  select: string,
  batchSize: number,
): AsyncGenerator<ColumnBatch> {
  const decoder = new CopyBinaryDecoder(table, columns, batchSize);
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
  // A read abandoned half-way ends its connection, which fails the stream once more after the loop has let go.
  stream.on('error', () => {});
  for await (const chunk of stream) for (const batch of decoder.push(chunk as Buffer)) yield batch;
  const last = decoder.end();
  if (last) yield last;
}
