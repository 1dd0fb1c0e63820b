import {
  columnOf,
  type Derivation,
  deletedAtColumn,
  deriveDimensionRow,
  deriveValue,
  type Join,
  type LakeColumn,
  LakeType,
  processedColumnsOf,
  type Row,
  sourceVersionColumn,
  sourceVersionFrom,
  sourceVersionPart,
  sourceVersionSeparator,
  type TableDimension,
  tableOf,
} from '@totes/model';
import {
  type ColumnBatch,
  columnBatchOf,
  deriveVector,
  isValidAt,
  type LakeVector,
  rowsOf,
} from '@totes/runtime';
import type { Data } from 'apache-arrow';
import { sourceVersionData } from './source-version';
import type { Partners } from './types';

/**
 * A dimension's processed columns derived from a batch of its primary table's raw columns: the same rows as
 * {@link deriveDimensionRows} gives, with no object per primary row. Each column the primary row gives is derived
 * over the whole column (the model's `deriveVector`); each column a join gives is looked up, row by row, in the
 * partner's current rows (small tables); `_source_version` is written from the `last_updated` column; `_deleted_at`
 * is the raw row's (set on a tombstone). A batch in which an inner join finds no partner for some row (the partner
 * is not extracted yet: rare), or whose version column is not a timestamp, falls back to the row path.
 */
export function deriveDimensionColumns(
  model: TableDimension,
  batch: ColumnBatch,
  partners: Partners,
): ColumnBatch {
  const raw = new Map(batch.columns.map((vector) => [vector.column.name, vector]));
  const found = model.joins.map((join) => partnersOf(join, raw.get(join.foreignKey), partners, batch.length));
  const version = raw.get(sourceVersionFrom);
  const missesPartner = model.joins.some(
    (join, index) => join.type === 'inner' && found[index]?.includes(undefined),
  );
  if (missesPartner || (version?.data && version.column.lake !== LakeType.timestamp))
    return columnBatchOf(processedColumnsOf(model), deriveDimensionRows(model, rowsOf(batch), partners));

  const declared = new Map(model.columns.map((column) => [column.name, column.derive]));
  const joined = new Map(model.joins.map((join, index) => [join.table, found[index] ?? []]));
  const dataOf = (lake: LakeColumn): Data | null => {
    if (lake.name === sourceVersionColumn)
      return sourceVersionData(version?.data ?? null, batch.length, versionSuffixes(found, batch.length));
    const derive = declared.get(lake.name);
    if (!derive) return lake.name === deletedAtColumn ? (raw.get(deletedAtColumn)?.data ?? null) : null;
    const table = 'from' in derive ? tableOf(derive.from) : undefined;
    if (table === model.primaryTable && 'from' in derive)
      return deriveVector(derive, lake, raw.get(columnOf(derive.from)), batch.length);
    return byPartner(derive, lake, table ?? '', joined.get(table ?? '') ?? [], batch.length);
  };
  return {
    length: batch.length,
    columns: processedColumnsOf(model).map((lake): LakeVector => ({ column: lake, data: dataOf(lake) })),
  };
}

/** The row path: one dimension row per primary row whose inner joins find their partners, by the model. */
export function deriveDimensionRows(model: TableDimension, rows: readonly Row[], partners: Partners): Row[] {
  return rows.flatMap((row) => {
    const sources: Record<string, Row | undefined> = { [model.primaryTable]: row };
    for (const join of model.joins)
      sources[join.table] = partners.get(join.table)?.get(Number(row[join.foreignKey]));
    const built = deriveDimensionRow(model, sources);
    return built ? [built] : [];
  });
}

// The partner row each row's foreign key finds; a null key looks up 0, as `Number(null)` does on the row path.
function partnersOf(
  join: Join,
  key: LakeVector | undefined,
  partners: Partners,
  length: number,
): (Row | undefined)[] {
  const rows = partners.get(join.table);
  const found: (Row | undefined)[] = new Array(length);
  if (key?.data && key.column.lake === LakeType.int32) {
    const values = key.data.values as Int32Array;
    for (let index = 0; index < length; index++)
      found[index] = rows?.get(isValidAt(key.data, index) ? (values[index] as number) : 0);
  } else {
    const keys = key ? rowsOf({ length, columns: [key] }) : [];
    for (let index = 0; index < length; index++)
      found[index] = rows?.get(Number(keys[index]?.[join.foreignKey]));
  }
  return found;
}

// A column a joined row gives, derived by the model value by value: partners are few, their rows are objects.
function byPartner(
  derive: Derivation,
  lake: LakeColumn,
  table: string,
  found: readonly (Row | undefined)[],
  length: number,
): Data | null {
  const rows = Array.from({ length }, (_, index) => ({
    [lake.name]: deriveValue(derive, { [table]: found[index] }),
  }));
  return columnBatchOf([lake], rows).columns[0]?.data ?? null;
}

// Each row's joined parts of its source version, separators included; none for a dimension without joins.
function versionSuffixes(found: readonly (Row | undefined)[][], length: number): string[] | undefined {
  if (found.length === 0) return undefined;
  return Array.from({ length }, (_, index) =>
    found.map((rows) => sourceVersionSeparator + sourceVersionPart(rows[index])).join(''),
  );
}
