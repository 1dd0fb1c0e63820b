import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type TotesysRows, type TotesysTable, type TotesysValue, totesysColumns } from '@totes/totesys';

/** What one exported file holds. */
export interface ExportedFile {
  readonly path: string;
  readonly table: TotesysTable;
  readonly rows: number;
  /** Bytes of the file as written (compressed when it is). */
  readonly bytes: number;
  /** Bytes of the same rows as plain CSV. */
  readonly csvBytes: number;
}

/**
 * One value as PostgreSQL's `COPY … TO (FORMAT csv)` writes it: NULL as nothing, booleans `t`/`f`, and a value
 * quoted (its quotes doubled) when it holds a comma, a quote or a line break, is empty, or is `\.`.
 */
export function csvValue(value: TotesysValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return value === '' || value === '\\.' || /[",\r\n]/.test(value)
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** The CSV of a table's rows, header first, in chunks of `rowsPerChunk` lines; lazy, so memory stays flat. */
export function* csvChunks<T extends TotesysTable>(
  table: T,
  rows: Iterable<TotesysRows[T]>,
  rowsPerChunk = 1000,
): Generator<string> {
  const columns = totesysColumns[table] as readonly (keyof TotesysRows[T] & string)[];
  yield `${columns.map((column) => csvValue(column)).join(',')}\n`;
  let lines: string[] = [];
  for (const row of rows) {
    lines.push(`${columns.map((column) => csvValue(row[column] as TotesysValue)).join(',')}\n`);
    if (lines.length >= rowsPerChunk) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * Streams a table's rows to `path` as PostgreSQL's `COPY … TO (FORMAT csv, HEADER)` writes them, gzipped when
 * asked: back-pressured, never the whole file in memory.
 */
export async function exportCsv<T extends TotesysTable>(
  path: string,
  table: T,
  rows: Iterable<TotesysRows[T]>,
  options: { gzip: boolean },
): Promise<ExportedFile> {
  let count = 0;
  let csvBytes = 0;
  const counting = function* () {
    for (const row of rows) {
      count++;
      yield row;
    }
  };
  const bytes = Readable.from(
    (function* () {
      for (const chunk of csvChunks(table, counting())) {
        const buffer = Buffer.from(chunk);
        csvBytes += buffer.length;
        yield buffer;
      }
    })(),
  );
  const file = createWriteStream(path);
  if (options.gzip) await pipeline(bytes, createGzip({ level: 6 }), file);
  else await pipeline(bytes, file);
  return { path, table, rows: count, bytes: file.bytesWritten, csvBytes };
}

/** A CSV file gzipped (level 6, gzip's default) to `path`, as a stream. */
export async function gzipFile(path: string, csv: ExportedFile): Promise<ExportedFile> {
  const file = createWriteStream(path);
  await pipeline(createReadStream(csv.path), createGzip({ level: 6 }), file);
  return { ...csv, path, bytes: file.bytesWritten };
}
