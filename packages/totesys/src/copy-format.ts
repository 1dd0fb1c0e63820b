import { type TotesysTable, totesysColumns } from './ddl';
import type { TotesysRows, TotesysValue } from './types';

/** One value in COPY text format: `\N` for NULL, `t`/`f` for booleans, backslash escapes for text. */
export function encodeCopyValue(value: TotesysValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (char) => copyEscapes[char as keyof typeof copyEscapes]);
}

const copyEscapes = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' } as const;

/**
 * The COPY text of a table's rows in chunks of about `rowsPerChunk` lines, columns in {@link totesysColumns} order.
 * Lazy: a chunk is built only when the consumer asks for it, so a back-pressured stream keeps memory flat.
 */
export function* copyTextChunks<T extends TotesysTable>(
  table: T,
  rows: Iterable<TotesysRows[T]>,
  rowsPerChunk = 1000,
): Generator<string> {
  const columns = totesysColumns[table] as readonly (keyof TotesysRows[T])[];
  let lines: string[] = [];
  for (const row of rows) {
    let line = '';
    for (const [index, column] of columns.entries()) {
      line += (index === 0 ? '' : '\t') + encodeCopyValue(row[column] as TotesysValue);
    }
    lines.push(`${line}\n`);
    if (lines.length >= rowsPerChunk) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}
