import type { LakeObject } from '@totes/contracts';
import { type LakeColumn, type Row, rawColumnsOf, type SourceTable } from '@totes/model';
import { rawPrefix } from './lake-layout';

/** What reading a table's current state needs of the lake. */
export interface LakeReader {
  list(prefix: string): Promise<string[]>;
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
}

/**
 * The current state of a source table as the lake holds it: the raw zone keeps every extracted window, so the
 * latest version of each row is the one with the greatest `last_updated`, whatever order the windows were written
 * in. `keep` filters rows as they stream past, so only the kept ones are held in memory. The cost grows with the
 * table's history in the lake; it is meant for the small tables that dimensions join.
 *
 * A row the source deleted stays in the state as its tombstone (its last known values, `_deleted_at` set), so a
 * dimension joined to it keeps the last known values (a staff member's deleted department keeps its name) rather
 * than losing the row; {@link isTombstone} tells the callers that care.
 */
export async function readCurrentState(
  lake: LakeReader,
  table: SourceTable,
  keep: (row: Row) => boolean = () => true,
): Promise<Map<number, Row>> {
  const parts = (await lake.list(rawPrefix(table.name))).filter((key) => key.endsWith('.parquet'));
  const latest = new Map<number, Row>();
  const rowsSeen = new Map<number, string>();
  for await (const rows of lake.readDataset({ parts }, rawColumnsOf(table))) {
    for (const row of rows) {
      const id = Number(row[table.primaryKey]);
      const version = String(row[table.cursor]);
      const seen = rowsSeen.get(id);
      if (seen !== undefined && seen >= version) continue;
      rowsSeen.set(id, version);
      // A newer version that fails `keep` must still replace an older one that passed.
      if (keep(row)) latest.set(id, row);
      else latest.delete(id);
    }
  }
  return latest;
}
