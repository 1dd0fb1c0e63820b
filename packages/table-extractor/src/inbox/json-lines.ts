import type { Row, SourceTable } from '@totes/model';
import { InboxFileProblemError, InboxRowProblemError } from '../errors';
import type { FileValue } from './coerce';
import { batchRows, rescue, rowOf } from './record-rows';
import { failOnReject, type OnReject, rejectRecord } from './rejects';

/** One line of a JSON Lines file, parsed; a line that is not JSON keeps its text and why. */
export type JsonLine =
  | { readonly line: number; readonly value: unknown }
  | { readonly line: number; readonly notJson: string; readonly text: string };

/** A line longer than this is refused rather than held: a row of totesys is well under a kilobyte. */
const maxLineChars = 16 * 1024 * 1024;

/**
 * Parses JSON Lines (`.jsonl`, `.ndjson`) from a stream of bytes: one JSON value per line, as PostgreSQL's
 * `row_to_json` gives a row. LF or CRLF line ends; blank lines are skipped; a UTF-8 byte order mark is skipped.
 * Bytes that are not UTF-8 and a line over 16 Mi characters are problems of the file; a line that is not JSON is
 * handed on with its text, a problem of that record alone.
 * A JSON string cannot hold a raw line break, so every line break ends a record.
 */
export async function* readJsonLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<JsonLine[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let rest = '';
  let line = 1;
  const decode = (chunk: Uint8Array | undefined, stream: boolean) => {
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      throw new InboxFileProblemError(`line ${line}: the bytes are not UTF-8 text`);
    }
  };
  const take = (text: string, last: boolean): JsonLine[] => {
    const lines: JsonLine[] = [];
    let from = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
      pushLine(lines, text.slice(from, end), line);
      line += 1;
      from = end + 1;
    }
    rest = text.slice(from);
    if (last) pushLine(lines, rest, line);
    else if (rest.length > maxLineChars)
      throw new InboxFileProblemError(`line ${line}: longer than ${maxLineChars} characters`);
    return lines;
  };
  for await (const chunk of chunks) {
    const lines = take(rest + decode(chunk, true), false);
    if (lines.length > 0) yield lines;
  }
  const lines = take(rest + decode(undefined, false), true);
  if (lines.length > 0) yield lines;
}

function pushLine(lines: JsonLine[], raw: string, line: number): void {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.trim() === '') return;
  try {
    lines.push({ line, value: JSON.parse(text) });
  } catch (error) {
    lines.push({ line, notJson: `line ${line}: not JSON: ${(error as Error).message}`, text });
  }
}

/**
 * The rows of a table from a JSON Lines file: each line an object whose keys are column names, in any order, with
 * JSON's types (numbers for numerics and integers, strings for timestamps and text, as `row_to_json` writes them)
 * coerced exactly to the catalog's. A key the catalog does not know is kept in `_rescued` (`onUnknownColumns` hears
 * of each new one); a missing nullable column is null. A bad line (not JSON, not an object, a value that cannot be coerced)
 * goes to `onReject`, which by default throws. A file of no line at all is refused as empty, as an empty CSV file
 * is: a failed export is likelier than a table of no rows.
 */
export async function* rowsOfJsonLines(
  table: SourceTable,
  lines: AsyncIterable<JsonLine[]>,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
  onReject: OnReject = failOnReject,
): AsyncGenerator<Row[]> {
  const known = new Set(table.columns.map((column) => column.name));
  const names = table.columns.map((column) => column.name);
  // Only a line that objectOf accepted reaches valueIn: it holds an object.
  const valueIn = (entry: JsonLine, index: number) =>
    jsonValue((entry as { value: Record<string, unknown> }).value, names[index] as string, entry.line);
  const unknown: string[] = [];
  const noteUnknown = (object: Record<string, unknown>) => {
    for (const key in object)
      if (!known.has(key) && !unknown.includes(key)) {
        unknown.push(key);
        onUnknownColumns([...unknown]);
      }
  };
  let batch: Row[] = [];
  let empty = true;
  for await (const chunk of lines) {
    empty &&= chunk.length === 0;
    for (const entry of chunk) {
      try {
        const object = objectOf(entry);
        noteUnknown(object);
        const row = rowOf(table, entry, valueIn, 'line', entry.line);
        batch.push(unknown.length === 0 ? row : rescue(row, unknownOf(object, known)));
      } catch (error) {
        rejectRecord(error, () => ('text' in entry ? entry.text : JSON.stringify(entry.value)), onReject);
      }
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
  }
  if (empty) throw new InboxFileProblemError('the file is empty: it has no JSON line');
  if (batch.length > 0) yield batch;
}

function unknownOf(object: Record<string, unknown>, known: ReadonlySet<string>): [string, unknown][] {
  return Object.entries(object).filter(([key]) => !known.has(key));
}

/** The object a line holds; any other line is a problem of its record. */
function objectOf(entry: JsonLine): Record<string, unknown> {
  if ('notJson' in entry) throw new InboxRowProblemError('line', entry.line, null, entry.notJson);
  const { value, line } = entry;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InboxRowProblemError('line', line, null, `line ${line}: not a JSON object`);
  return value as Record<string, unknown>;
}

function jsonValue(object: Record<string, unknown>, name: string, line: number): FileValue | undefined {
  if (!Object.hasOwn(object, name)) return undefined;
  const value = object[name];
  if (typeof value === 'object' && value !== null)
    throw new InboxRowProblemError(
      'line',
      line,
      name,
      `line ${line}, column ${name}: a JSON array or object is not a value`,
    );
  return value as FileValue;
}
