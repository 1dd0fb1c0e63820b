import type { Row, SourceTable } from '@totes/model';
import { InboxFileProblemError } from '../errors';
import type { CsvRecord } from './csv-records';
import { batchRows, type ColumnMatch, matchColumns, rowOf } from './record-rows';

/**
 * The rows of a table from a CSV file's records, header first, matched by column name (order does not matter) and
 * coerced to the catalog's types. Columns the catalog does not know are ignored (`onUnknownColumns` hears of them);
 * a missing nullable column is null. The first bad record (a missing required column, a wrong number of fields, a
 * value that cannot be coerced exactly) throws an {@link InboxFileProblemError} naming its line and column. An
 * empty file (no header) is a problem; a header alone is a file of no rows.
 */
export async function* rowsOfCsv(
  table: SourceTable,
  records: AsyncIterable<CsvRecord[]>,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
): AsyncGenerator<Row[]> {
  let header: (ColumnMatch & { width: number }) | undefined;
  let batch: Row[] = [];
  for await (const chunk of records) {
    for (const record of chunk) {
      if (!header) {
        const names = record.fields.map((field) => field ?? '');
        header = { ...matchColumns(table, names, 'line 1: the header'), width: names.length };
        if (header.unknown.length > 0) onUnknownColumns(header.unknown);
        continue;
      }
      batch.push(csvRow(table, header, record));
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
  }
  if (!header) throw new InboxFileProblemError('the file is empty: it has no header row');
  if (batch.length > 0) yield batch;
}

function csvRow(table: SourceTable, header: ColumnMatch & { width: number }, record: CsvRecord): Row {
  if (record.fields.length !== header.width)
    throw new InboxFileProblemError(
      `line ${record.line}: ${record.fields.length} fields where the header has ${header.width}`,
    );
  const { positions } = header;
  // A column the header lacks is nullable (matchColumns refused the others): NULL, not absent.
  return rowOf(
    table,
    (_column, index) => {
      const position = positions[index];
      return position === undefined ? null : (record.fields[position] ?? null);
    },
    `line ${record.line}`,
  );
}
