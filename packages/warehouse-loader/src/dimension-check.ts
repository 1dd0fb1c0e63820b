import {
  type FactModel,
  factReferences,
  type LakeColumn,
  type LakeValue,
  processedColumnsOf,
} from '@totes/model';
import { type ColumnBatch, formatDate, isValidAt, type LakeVector, rowsOf } from '@totes/runtime';
import pg from 'pg';
import { qualifiedTable } from './ddl';
import { DimensionsNotReadyError } from './errors';
import { stagingType } from './staging';

const q = pg.escapeIdentifier;
const dimensionPollMs = 200;
/** The distinct keys of one reference that a check holds before it asks. */
const keysPerCheck = 50_000;

/** The processed columns of a fact that reference a dimension: all a dimension check reads. */
export function referenceColumnsOf(fact: FactModel): LakeColumn[] {
  const references = new Set(factReferences(fact).map((reference) => reference.column));
  return processedColumnsOf(fact).filter((column) => references.has(column.name));
}

/**
 * Throws {@link DimensionsNotReadyError} when the fact's `references` name a dimension row the warehouse does not
 * hold, after asking again every 200 ms for up to `waitMs`.
 */
export async function checkDimensions(
  pool: pg.Pool,
  schema: string,
  waitMs: number,
  fact: FactModel,
  references: AsyncIterable<ColumnBatch>,
): Promise<void> {
  const keys = new Map(factReferences(fact).map((reference) => [reference, new Set<LakeValue>()]));
  const lakeOf = new Map(referenceColumnsOf(fact).map((column) => [column.name, column.lake]));
  const missingNow = async () => {
    const missing: { dimension: string; keys: string[] }[] = [];
    for (const [{ column, dimension }, seen] of keys) {
      if (seen.size === 0) continue;
      const lake = lakeOf.get(column) ?? 'string';
      const { rows } = await pool.query<{ key: string }>(
        `SELECT k::text AS key FROM unnest($1::${stagingType[lake]}[]) AS k
         WHERE NOT EXISTS (SELECT 1 FROM ${qualifiedTable(schema, dimension)} d WHERE d.${q(dimension.key)} = k)
         ORDER BY 1 LIMIT 5`,
        [lake === 'date' ? [...seen].map((day) => formatDate(day as number)) : [...seen]],
      );
      if (rows.length > 0) missing.push({ dimension: dimension.name, keys: rows.map((row) => row.key) });
      // Found present: not asked again.
      else seen.clear();
    }
    return missing;
  };
  // Dimensions built in the same run are usually loaded within moments: wait a little here, asking again,
  // before the message is put back for seconds.
  const deadline = Date.now() + waitMs;
  const settle = async () => {
    let missing = await missingNow();
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, dimensionPollMs));
      missing = await missingNow();
    }
    if (missing.length > 0) throw new DimensionsNotReadyError(fact.name, missing);
  };
  // Keys are checked whenever one reference has gathered enough of them, so memory stays bounded whatever the
  // batch's size (a payment fact references one transaction per row).
  for await (const batch of references) {
    for (const [reference, seen] of keys) {
      const vector = batch.columns.find((candidate) => candidate.column.name === reference.column);
      if (vector) collectKeys(vector, seen);
    }
    if ([...keys.values()].some((seen) => seen.size >= keysPerCheck)) await settle();
  }
  await settle();
}

// The distinct non-null values of a reference column: integers and days (a date as its day number, turned into
// text only for the query) straight from the column's buffer, anything else through its row form.
function collectKeys({ column, data }: LakeVector, seen: Set<LakeValue>): void {
  if (!data) return;
  if (column.lake === 'int32' || column.lake === 'date') {
    const values = data.values as Int32Array;
    for (let index = 0; index < data.length; index++)
      if (isValidAt(data, index)) seen.add(values[data.offset + index] as number);
    return;
  }
  for (const row of rowsOf({ length: data.length, columns: [{ column, data }] })) {
    const value = row[column.name];
    if (value !== null && value !== undefined) seen.add(value);
  }
}
