import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InboxCompression, type Row, type SourceColumn, type SourceTable } from '@totes/model';
import { InboxFileProblemError } from '../errors';
import { coerceValue } from './coerce';
import type { CsvRecord } from './csv-records';

/** Rows are handed on in batches of about this many, as the database extraction does. */
const batchRows = 5000;

/**
 * The bytes of a file as a stream, gunzipped as they come when it is compressed; `hash` sees the bytes as stored.
 * A broken or truncated gzip stream is a problem of the file.
 */
export async function* fileBytes(
  stream: Readable,
  compression: InboxCompression,
  hash: Hash,
): AsyncGenerator<Uint8Array> {
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const stages = compression === InboxCompression.gzip ? [tap, createGunzip()] : [tap];
  // pipeline destroys every stage when one fails, so the error reaches the reader of the last.
  const out = pipeline([stream, ...stages], () => {}) as unknown as Readable;
  try {
    for await (const chunk of out) yield chunk as Uint8Array;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new InboxFileProblemError(`not a readable gzip file: ${(error as Error).message}`);
    throw error;
  } finally {
    stream.destroy();
  }
}

/** A new content hash of a file. */
export function contentHash(): Hash {
  return createHash('sha256');
}

/** What the header of a file says: where each catalog column is, and the columns the catalog does not know. */
interface Header {
  readonly positions: readonly (number | undefined)[];
  readonly width: number;
  readonly unknown: readonly string[];
}

/**
 * The rows of a table from a CSV file's records, header first, matched by column name (order does not matter) and
 * coerced to the catalog's types. Columns the catalog does not know are ignored (`onUnknownColumns` hears of them);
 * a missing nullable column is null. The first bad record (a missing required column, a wrong number of fields, a
 * value that cannot be coerced exactly, a primary key seen twice) throws an {@link InboxFileProblemError} naming
 * its line and column. An empty file (no header) is a problem; a header alone is a file of no rows.
 */
export async function* rowsOfCsv(
  table: SourceTable,
  records: AsyncIterable<CsvRecord[]>,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
): AsyncGenerator<Row[]> {
  let header: Header | undefined;
  const seen = new Set<number>();
  let batch: Row[] = [];
  for await (const chunk of records) {
    for (const record of chunk) {
      if (!header) {
        header = readHeader(table, record);
        if (header.unknown.length > 0) onUnknownColumns(header.unknown);
        continue;
      }
      const row = rowOf(table, header, record);
      const key = row[table.primaryKey] as number;
      if (seen.has(key))
        throw new InboxFileProblemError(
          `line ${record.line}: ${table.primaryKey} ${key} appears twice in the file; this version loads one row per key`,
        );
      seen.add(key);
      batch.push(row);
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
  }
  if (!header) throw new InboxFileProblemError('the file is empty: it has no header row');
  if (batch.length > 0) yield batch;
}

function readHeader(table: SourceTable, record: CsvRecord): Header {
  const names = record.fields.map((field) => field ?? '');
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined)
    throw new InboxFileProblemError(`line 1: the header names column "${twice}" twice`);
  const missing = table.columns.filter((column) => !column.nullable && !names.includes(column.name));
  if (missing.length > 0)
    throw new InboxFileProblemError(
      `line 1: the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((column) => column.name).join(', ')} of ${table.name}`,
    );
  const known = new Set(table.columns.map((column) => column.name));
  return {
    positions: table.columns.map((column) => {
      const index = names.indexOf(column.name);
      return index < 0 ? undefined : index;
    }),
    width: names.length,
    unknown: names.filter((name) => !known.has(name)),
  };
}

function rowOf(table: SourceTable, header: Header, record: CsvRecord): Row {
  if (record.fields.length !== header.width)
    throw new InboxFileProblemError(
      `line ${record.line}: ${record.fields.length} fields where the header has ${header.width}`,
    );
  const row: Row = {};
  table.columns.forEach((column: SourceColumn, index) => {
    const position = header.positions[index];
    const coerced = coerceValue(column, position === undefined ? null : (record.fields[position] ?? null));
    if (!coerced.ok)
      throw new InboxFileProblemError(`line ${record.line}, column ${column.name}: ${coerced.reason}`);
    row[column.name] = coerced.value;
  });
  return row;
}
