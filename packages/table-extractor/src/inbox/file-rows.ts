import { InboxFormat, type Row, type SourceTable } from '@totes/model';
import { readCsvRecords } from './csv-records';
import { rowsOfCsv } from './csv-rows';
import { readJsonLines, rowsOfJsonLines } from './json-lines';
import { rowsOfParquet } from './parquet-rows';
import { failOnReject, type OnReject } from './rejects';

/**
 * The rows of a table from a file's bytes (decompressed), in the file's format: CSV, JSON Lines or Parquet. Each
 * is matched to the catalog by column name and coerced exactly to its types by the same rules. A bad record goes to
 * `onReject` (which by default throws an {@link InboxFileProblemError} naming where it is); a problem of the whole
 * file always throws. `onUnknownColumns` hears of columns the catalog does not know, which are ignored.
 */
export function rowsOfFile(
  table: SourceTable,
  format: InboxFormat,
  bytes: AsyncIterable<Uint8Array>,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
  onReject: OnReject = failOnReject,
): AsyncGenerator<Row[]> {
  switch (format) {
    case InboxFormat.csv:
      return rowsOfCsv(table, readCsvRecords(bytes), onUnknownColumns, onReject);
    case InboxFormat.jsonLines:
      return rowsOfJsonLines(table, readJsonLines(bytes), onUnknownColumns, onReject);
    case InboxFormat.parquet:
      return rowsOfParquet(table, bytes, onUnknownColumns, onReject);
  }
}
