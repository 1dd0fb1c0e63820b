import { type Row, rescuedColumn, type SourceColumn, type SourceTable } from '@totes/model';
import { InboxFileProblemError, InboxRowProblemError } from '../errors';
import { coerceOrRefuse, type FileValue, Refusal } from './coerce';
import { jsonRecord } from './rejects';

/**
 * Rows are handed on in batches of about this many. Small, so that a batch is used up (checked, or turned into
 * columns by the lake's writer) before the garbage collector's next young collection finds it still alive and
 * copies it: with batches of 5000, collecting took about a third of reading a CSV file.
 */
export const batchRows = 1000;

/** Where each catalog column is among a file's named columns, and the names the catalog does not know. */
export interface ColumnMatch {
  /** For each column of the catalog, in order, its position among the file's names; undefined when absent. */
  readonly positions: readonly (number | undefined)[];
  readonly unknown: readonly string[];
}

/**
 * Matches a file's column names (a CSV header, a Parquet schema) against the table's catalog entry, by name: order
 * does not matter, a name the catalog does not know is set aside, a missing nullable column reads as NULL. A name
 * given twice, or a missing required column, is a problem of the file; `what` says where the names are.
 */
export function matchColumns(table: SourceTable, names: readonly string[], what: string): ColumnMatch {
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new InboxFileProblemError(`${what} names column "${twice}" twice`);
  const missing = table.columns.filter((column) => !column.nullable && !names.includes(column.name));
  if (missing.length > 0)
    throw new InboxFileProblemError(
      `${what} lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((column) => column.name).join(', ')} of ${table.name}`,
    );
  const known = new Set(table.columns.map((column) => column.name));
  return {
    positions: table.columns.map((column) => {
      const index = names.indexOf(column.name);
      return index < 0 ? undefined : index;
    }),
    unknown: names.filter((name) => !known.has(name)),
  };
}

/**
 * One row of the table from one record of a file, whatever its format: `valueIn` gives the record's value of each
 * catalog column, by the column's index (undefined when the record has no such column), and each is coerced to the
 * column's type. The first value that cannot be is a problem of the record ({@link InboxRowProblemError}), named
 * by `place` and `at` (`line 3`, `row 12`) and the column. This runs for every row: `valueIn` is made once per file, and the place's text only for
 * a problem.
 */
export function rowOf<R>(
  table: SourceTable,
  record: R,
  valueIn: (record: R, index: number) => FileValue | undefined,
  place: 'line' | 'row',
  at: number,
): Row {
  const row: Row = { ...rowTemplate(table) };
  const columns = table.columns;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as SourceColumn;
    const value = valueIn(record, index);
    if (value === undefined && !column.nullable)
      throw new InboxRowProblemError(
        place,
        at,
        column.name,
        `${place} ${at}: lacks required column ${column.name}`,
      );
    const coerced = coerceOrRefuse(column, value ?? null);
    if (coerced instanceof Refusal)
      throw new InboxRowProblemError(
        place,
        at,
        column.name,
        `${place} ${at}, column ${column.name}: ${coerced.reason}`,
      );
    row[column.name] = coerced;
  }
  return row;
}

const templates = new WeakMap<SourceTable, Row>();

/**
 * A row of the table with every column null, in the catalog's order: each row starts as a copy of it, so it is made
 * at once with its final shape rather than grown a column at a time (fewer objects for the garbage collector).
 */
function rowTemplate(table: SourceTable): Row {
  let template = templates.get(table);
  if (!template) {
    template = Object.fromEntries(table.columns.map((column) => [column.name, null]));
    templates.set(table, template);
  }
  return template;
}

/**
 * Keeps a record's values of the columns the catalog does not know in the row's `_rescued` column, as a JSON object
 * (null when the record has none), so nothing of the file is lost though the builders ignore them.
 */
export function rescue(row: Row, values: readonly (readonly [string, unknown])[]): Row {
  const kept = values.filter(([, value]) => value !== undefined);
  row[rescuedColumn.name] = kept.length === 0 ? null : jsonRecord(Object.fromEntries(kept));
  return row;
}
