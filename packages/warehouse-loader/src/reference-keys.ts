import {
  type DimensionModel,
  type FactModel,
  type FactReference,
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

/** The processed columns of a fact that reference a dimension: all a dimension check reads. */
export function referenceColumnsOf(fact: FactModel): LakeColumn[] {
  const references = new Set(factReferences(fact).map((reference) => reference.column));
  return processedColumnsOf(fact).filter((column) => references.has(column.name));
}

/** The distinct keys each reference of a fact names, gathered from column batches as they pass. */
export interface ReferenceKeys {
  /** The keys gathered so far, by reference, in the order of the fact's references. */
  readonly keys: ReadonlyMap<FactReference, Set<LakeValue>>;
  gather(batch: ColumnBatch): void;
}

export function referenceKeys(fact: FactModel): ReferenceKeys {
  const keys = new Map(factReferences(fact).map((reference) => [reference, new Set<LakeValue>()]));
  return {
    keys,
    gather(batch) {
      for (const [reference, seen] of keys) {
        const vector = batch.columns.find((candidate) => candidate.column.name === reference.column);
        if (vector) collectKeys(vector, seen);
      }
    },
  };
}

/** Asks which of some keys of a reference the warehouse does not hold: all of them, in key order, as text. */
export type AbsentKeys = (reference: FactReference, keys: readonly unknown[]) => Promise<string[]>;

/** {@link AbsentKeys} of a fact's references, asked on `db`: a pool, or the client of a load's transaction. */
export function absentKeys(db: Pick<pg.ClientBase, 'query'>, schema: string, fact: FactModel): AbsentKeys {
  const lakeOf = new Map(referenceColumnsOf(fact).map((column) => [column.name, column.lake]));
  return async ({ column, dimension }, keys) => {
    const lake = lakeOf.get(column) ?? 'string';
    // A key is given as its value (a date as its day number) or as the text this query returned: PostgreSQL
    // reads either into the array. In key order, the lookups walk the dimension's index.
    const values = keys.map((key) => (lake === 'date' && typeof key === 'number' ? formatDate(key) : key));
    const { rows } = await db.query<{ key: string }>(
      `SELECT k::text AS key FROM unnest($1::${stagingType[lake]}[]) AS k
       WHERE ${absentFromDimension(schema, dimension, 'k')} ORDER BY k`,
      [values],
    );
    return rows.map((row) => row.key);
  };
}

/**
 * Throws {@link DimensionsNotReadyError} when a key gathered names a dimension row the warehouse does not hold, as
 * `db` sees it: inside a load's transaction, the set-based check that keeps a fact from referencing a missing row.
 */
export async function assertReferencesPresent(
  db: Pick<pg.ClientBase, 'query'>,
  schema: string,
  fact: FactModel,
  gathered: ReferenceKeys,
): Promise<void> {
  const absent = absentKeys(db, schema, fact);
  const missing: { dimension: string; keys: string[] }[] = [];
  for (const [reference, seen] of gathered.keys) {
    if (seen.size === 0) continue;
    const keys = await absent(reference, sortedKeys(seen));
    if (keys.length > 0) missing.push({ dimension: reference.dimension.name, keys: keys.slice(0, 5) });
  }
  if (missing.length > 0) throw new DimensionsNotReadyError(fact.name, missing);
}

/** The keys in order: numbers (integers, days) by value, text by code point. */
export function sortedKeys(keys: Iterable<LakeValue>): LakeValue[] {
  const all = [...keys];
  // Keys that are all numbers (nearly every reference) sort as a typed array: no comparator call per comparison.
  if (all.every((key) => typeof key === 'number'))
    return Array.from(Float64Array.from(all as number[]).sort());
  return all.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
  );
}

/**
 * SQL that is true when `key` names no row of `dimension`: one probe of the dimension's primary key per key.
 * `OFFSET 0` keeps the planner from turning the `NOT EXISTS` into a hash anti join, which reads and hashes the
 * whole dimension on every call: at scale 100 that is 1.58M rows of dim_transaction for every chunk of
 * fact_payment, and for every 50 000 keys of its check before the load (docs/benchmarks.md, issue 12).
 */
function absentFromDimension(schema: string, dimension: DimensionModel, key: string): string {
  return `NOT EXISTS (SELECT 1 FROM ${qualifiedTable(schema, dimension)} d WHERE d.${q(dimension.key)} = ${key} OFFSET 0)`;
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
