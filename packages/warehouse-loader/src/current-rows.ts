import { currentRowsTableOf, type FactModel, type LakeValue, processedColumnsOf } from '@totes/model';
import type { ColumnBatch } from '@totes/runtime';
import pg from 'pg';
import { currentColumnsOf, latestFirst, qualifiedCurrentTable, qualifiedTable } from './ddl';
import { collectKeys, sortedKeys } from './reference-keys';
import { stagingTable, stagingType } from './staging';

const q = pg.escapeIdentifier;

/**
 * The upsert of the latest of `rows` (a query over the fact's columns) per source key into the current-rows table,
 * unless it holds a newer version. Keeping the greatest version is commutative and idempotent: versions arriving
 * out of order, a redelivery, and two transactions loading the same key give the same row. Rows go in key order,
 * so transactions take their row locks in the same order and never deadlock.
 */
function upsertLatestSql(schema: string, fact: FactModel, rows: string): string {
  const current = currentRowsTableOf(fact);
  const table = qualifiedCurrentTable(schema, fact);
  const columns = currentColumnsOf(fact).map(q);
  const list = columns.join(', ');
  const values = columns.filter((column) => column !== q(current.key));
  const version = (alias: string) =>
    `(${current.version.map((column) => `${alias}.${q(column)}`).join(', ')})`;
  return `INSERT INTO ${table} AS kept (${list})
    SELECT DISTINCT ON (${q(current.key)}) ${list} FROM ${rows} AS incoming ORDER BY ${latestFirst(current)}
    ON CONFLICT (${q(current.key)}) DO UPDATE SET ${values.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
    WHERE ${version('kept')} < ${version('EXCLUDED')}`;
}

/** Brings the current rows up to date with the staging table of a fact's load (the staging path). */
export function currentRowsFromStagingSql(schema: string, fact: FactModel): string {
  return upsertLatestSql(schema, fact, stagingTable);
}

/**
 * Brings the current rows of the source keys `$1` up to date with the fact itself (the straight path, which copies
 * into the fact and keeps no staging table): the fact's latest version of each key, found through its version key.
 */
export function currentRowsFromFactSql(schema: string, fact: FactModel): string {
  const { key } = currentRowsTableOf(fact);
  const lake = processedColumnsOf(fact).find((column) => column.name === key)?.lake ?? 'string';
  const type = stagingType[lake];
  // Each key's latest version read down the fact's unique index on its version key, one probe per key. Not
  // `= ANY($1)` (the planner estimates an array element by element: 0.44 s for 80 000 keys), nor a plain join to
  // the keys (a hash join that reads the whole fact).
  const latest = currentRowsTableOf(fact)
    .version.map((column) => `f.${q(column)} DESC`)
    .join(', ');
  const rows = `(SELECT f.* FROM unnest($1::${type}[]) AS k (${q(key)})
    CROSS JOIN LATERAL (SELECT * FROM ${qualifiedTable(schema, fact)} AS f
      WHERE f.${q(key)} = k.${q(key)} ORDER BY ${latest} LIMIT 1) AS f)`;
  return upsertLatestSql(schema, fact, rows);
}

/** The source keys a fact's rows name, gathered from column batches as they pass. */
export interface CurrentKeys {
  gather(batch: ColumnBatch): void;
  /** The distinct keys gathered, in key order. */
  sorted(): unknown[];
}

export function currentKeys(fact: FactModel): CurrentKeys {
  const { key } = currentRowsTableOf(fact);
  const seen = new Set<LakeValue>();
  return {
    gather(batch) {
      const vector = batch.columns.find((candidate) => candidate.column.name === key);
      if (vector) collectKeys(vector, seen);
    },
    sorted: () => sortedKeys(seen),
  };
}
