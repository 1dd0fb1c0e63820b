import { deletedAtColumn, type Row, type TableDimension } from '@totes/model';
import { checkResult, counted, createDifferenceLog } from './differences';
import { mergeByKey } from './merge-by-key';
import { CheckName, type CheckResult, DifferenceKind } from './types';
import { keyOf, sameValue } from './values';

/**
 * Compares the rows a table dimension should hold (derived from the source, in key order) with the rows it holds
 * (in key order), column by column; `_source_version` is bookkeeping and never compared. A row the source deleted
 * must be kept and marked `_deleted_at` (a match); a row marked deleted that the source still has is a difference.
 */
export async function compareDimension(
  dimension: TableDimension,
  expected: AsyncIterable<readonly Row[]>,
  actual: AsyncIterable<readonly Row[]>,
  sampleLimit: number,
): Promise<CheckResult> {
  const log = createDifferenceLog(sampleLimit);
  const columns = dimension.columns.filter((column) => column.name !== dimension.key);
  let sourceRows = 0;
  let warehouseRows = 0;
  let deletedRows = 0;
  const byKey = (row: Row) => keyOf(row, dimension.key);
  for await (const group of mergeByKey(expected, byKey, actual, byKey)) {
    sourceRows += group.source.length;
    warehouseRows += group.warehouse.length;
    const key = { [dimension.key]: group.key };
    const [want] = group.source;
    const [have] = group.warehouse;
    if (group.warehouse.length > 1) {
      log.add({
        kind: DifferenceKind.duplicate,
        key,
        column: null,
        source: 1,
        warehouse: group.warehouse.length,
      });
    }
    if (!have) {
      log.add({ kind: DifferenceKind.missing, key, column: null, source: 'row', warehouse: null });
      continue;
    }
    const deletedAt = have[deletedAtColumn] ?? null;
    if (!want) {
      if (deletedAt !== null) deletedRows += 1;
      else log.add({ kind: DifferenceKind.extra, key, column: null, source: null, warehouse: 'row' });
      continue;
    }
    if (deletedAt !== null) {
      log.add({ kind: DifferenceKind.markedDeleted, key, column: null, source: 'row', warehouse: deletedAt });
      continue;
    }
    for (const column of columns) {
      const source = want[column.name] ?? null;
      const warehouse = have[column.name] ?? null;
      if (!sameValue(column.lake, source, warehouse)) {
        log.add({ kind: DifferenceKind.value, key, column: column.name, source, warehouse });
      }
    }
  }
  return checkResult(
    CheckName.dimensionRows,
    dimension.name,
    `${counted(sourceRows, 'source row')}, ${counted(warehouseRows, 'warehouse row')}` +
      (deletedRows > 0 ? ` (${counted(deletedRows, 'kept and marked deleted')})` : ''),
    log,
  );
}
