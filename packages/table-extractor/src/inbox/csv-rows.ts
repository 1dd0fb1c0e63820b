import type { Row, SourceTable } from '@totes/model';
import { InboxFileProblemError, InboxRowProblemError } from '../errors';
import type { CsvRecord } from './csv-records';
import { batchRows, matchColumns, rescue, rowOf } from './record-rows';
import { csvLine, failOnReject, type OnReject, rejectRecord } from './rejects';

/**
 * The rows of a table from a CSV file's records, header first, matched by column name (order does not matter) and
 * coerced to the catalog's types. Columns the catalog does not know are kept in `_rescued` (`onUnknownColumns` hears of them);
 * a missing nullable column is null. The first bad record (a missing required column, a wrong number of fields, a
 * value that cannot be coerced exactly) goes to `onReject`, with its line, column and the record written back as
 * CSV; by default it throws an {@link InboxFileProblemError}. An empty file (no header) is a problem; a header
 * alone is a file of no rows.
 */
export async function* rowsOfCsv(
  table: SourceTable,
  records: AsyncIterable<CsvRecord[]>,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
  onReject: OnReject = failOnReject,
): AsyncGenerator<Row[]> {
  let header: Header | undefined;
  let batch: Row[] = [];
  for await (const chunk of records) {
    for (const record of chunk) {
      if (!header) {
        header = readHeader(table, record);
        if (header.unknown.length > 0) onUnknownColumns(header.unknown);
        continue;
      }
      try {
        batch.push(rowOfRecord(table, header, record));
      } catch (error) {
        rejectRecord(error, () => csvLine(record.fields), onReject);
      }
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
  }
  if (!header) throw new InboxFileProblemError('the file is empty: it has no header row');
  if (batch.length > 0) yield batch;
}

function rowOfRecord(table: SourceTable, header: Header, record: CsvRecord): Row {
  if (record.fields.length !== header.width)
    throw new InboxRowProblemError(
      'line',
      record.line,
      null,
      `line ${record.line}: ${record.fields.length} fields where the header has ${header.width}`,
    );
  const row = rowOf(table, record.fields, header.valueIn, 'line', record.line);
  return header.unknown.length === 0 ? row : rescue(row, header.rescued(record.fields));
}

/** What the header says: the columns the catalog does not know, the record's width, and where each value is. */
interface Header {
  readonly unknown: readonly string[];
  readonly width: number;
  readonly valueIn: (fields: readonly (string | null)[], index: number) => string | null;
  /** The record's values of the columns the catalog does not know, by name. */
  readonly rescued: (fields: readonly (string | null)[]) => [string, string | null][];
}

function readHeader(table: SourceTable, record: CsvRecord): Header {
  const names = record.fields.map((field) => field ?? '');
  const { positions, unknown } = matchColumns(table, names, 'line 1: the header');
  const unknownAt = unknown.map((name) => [name, names.indexOf(name)] as const);
  return {
    unknown,
    width: names.length,
    rescued: (fields) => unknownAt.map(([name, at]) => [name, fields[at] ?? null]),
    // A column the header lacks is nullable (matchColumns refused the others): NULL, not absent.
    valueIn: (fields, index) => {
      const position = positions[index];
      return position === undefined ? null : (fields[position] ?? null);
    },
  };
}
