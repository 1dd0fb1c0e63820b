import { columnOf, deletedAtColumn, type FactModel, processedColumnsOf } from '@totes/model';
import { type ColumnBatch, deriveVector, type LakeVector } from '@totes/runtime';

/**
 * A fact's processed columns derived from a batch of its primary table's raw columns, column by column: the same
 * values as `deriveFactRow` gives row by row, with no object per row (see `deriveVector`). `_deleted_at` is the raw
 * row's (set on a tombstone).
 */
export function deriveFactColumns(fact: FactModel, batch: ColumnBatch): ColumnBatch {
  const raw = new Map(batch.columns.map((vector) => [vector.column.name, vector]));
  const derived = new Map(fact.columns.map((column) => [column.name, column]));
  return {
    length: batch.length,
    columns: processedColumnsOf(fact).map((lake): LakeVector => {
      const declared = derived.get(lake.name);
      if (!declared) return { column: lake, data: raw.get(deletedAtColumn)?.data ?? null };
      const derive = declared.derive;
      const source = 'from' in derive ? raw.get(columnOf(derive.from)) : undefined;
      return { column: lake, data: deriveVector(derive, lake, source, batch.length) };
    }),
  };
}
