import { deriveDimensionRow, type Row } from '@totes/model';
import type { DimensionShape } from './model-shapes';
import { type Key, keyOf } from './values';

/** The current rows of a joined source table, by primary key. */
export type PartnerRows = ReadonlyMap<Key, Row>;

/** Indexes rows by the key they hold in `column`. */
export function indexByKey(rows: readonly Row[], column: string): Map<Key, Row> {
  return new Map(rows.map((row) => [keyOf(row, column), row]));
}

/**
 * The rows a table dimension should hold, batch by batch: each primary row joined in TypeScript to its partners
 * (`join.foreignKey` → the joined table's primary key) and derived as the model says. An inner join without a
 * partner drops the row; a left join keeps it with nulls. `partners` holds each joined table by name.
 */
export async function* deriveDimensionRows(
  shape: DimensionShape,
  primary: AsyncIterable<readonly Row[]>,
  partners: ReadonlyMap<string, PartnerRows>,
): AsyncGenerator<Row[]> {
  for await (const batch of primary) {
    const rows: Row[] = [];
    for (const row of batch) {
      const sources: Record<string, Row | undefined> = { [shape.source.name]: row };
      for (const join of shape.dimension.joins) {
        const foreignKey = row[join.foreignKey];
        sources[join.table] =
          typeof foreignKey === 'number' || typeof foreignKey === 'string'
            ? partners.get(join.table)?.get(foreignKey)
            : undefined;
      }
      const derived = deriveDimensionRow(shape.dimension, sources);
      if (derived) rows.push(derived);
    }
    if (rows.length > 0) yield rows;
  }
}
