import type { LakeColumn, Row, SourceTable, WarehouseModel } from './types';
import { LakeType } from './types';

/**
 * The column that marks a row whose source row was deleted: the source's time when a key reconciliation found the
 * row gone. Null for a live row. Declared once here: the raw tombstones, the processed parts, the warehouse DDL, the
 * docs and `totes verify` all take it from this module.
 */
export const deletedAtColumn = '_deleted_at';

/** The words that describe {@link deletedAtColumn} in the warehouse docs. */
export const deletedAtDescription =
  'When a key reconciliation found the source row deleted (the source clock); null while the source row exists.';

/**
 * `_deleted_at` as the lake stores it. Raw parts written before deletes were tracked, and every window extraction,
 * do not hold it: such a part reads as nulls (no row of it is a tombstone).
 */
export const deletedAtLakeColumn: LakeColumn = {
  name: deletedAtColumn,
  lake: LakeType.timestamp,
  nullable: true,
  absentAsNull: true,
};

/** The warehouse type of {@link deletedAtColumn}. */
export const deletedAtSql = 'timestamp(3)';

/**
 * The columns of a table's raw zone as readers read them: the catalog's columns, then `_deleted_at`. A window
 * extraction writes the catalog's columns only; a key reconciliation writes tombstones with all of them.
 */
export function rawColumnsOf(table: SourceTable): LakeColumn[] {
  return [...table.columns, deletedAtLakeColumn];
}

/** Whether a raw row is a tombstone: the last known values of a source row that was deleted. */
export function isTombstone(row: Row): boolean {
  const value = row[deletedAtColumn];
  return value !== null && value !== undefined;
}

/**
 * Whether a warehouse model marks deleted rows: every dimension built from a table (its row is kept and marked,
 * so facts keep their references) and every fact (a final version row marks the deletion). dim_date is derived
 * from dates, not source rows, and has nothing to delete.
 */
export function marksDeletes(model: WarehouseModel): boolean {
  return model.build === 'table';
}
