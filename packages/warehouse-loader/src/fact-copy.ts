import {
  deletedAtColumn,
  deletedAtSql,
  type FactModel,
  type LakeColumn,
  processedColumnsOf,
} from '@totes/model';
import type { ColumnBatch } from '@totes/runtime';
import type pg from 'pg';
import { qualifiedTable } from './ddl';
import type { LoadTotals } from './load-ledger';
import { assertReferencesPresent, referenceKeys } from './reference-keys';
import { copyRows } from './staging';

/** The warehouse types whose binary COPY input is that of the type a lake column is staged as. */
const sameBinaryInput: Record<LakeColumn['lake'], RegExp> = {
  int32: /^integer$/,
  string: /^(text|varchar(\(\d+\))?)$/,
  decimal: /^numeric(\(\d+, ?\d+\))?$/,
  boolean: /^boolean$/,
  timestamp: /^timestamp(\(\d\))?$/,
  date: /^date$/,
  time: /^time(\(\d\))?$/,
};

/** Whether a fact's rows can be copied into its table as they are staged: every column takes the same input. */
export function copiesStraight(fact: FactModel): boolean {
  const sqlOf = new Map<string, string>(fact.columns.map((column) => [column.name, column.sql]));
  sqlOf.set(deletedAtColumn, deletedAtSql);
  return processedColumnsOf(fact).every((column) =>
    sameBinaryInput[column.lake].test(sqlOf.get(column.name) ?? ''),
  );
}

/** `unique_violation`: a version the table holds, or one in the rows twice. `deadlock_detected`: see below. */
const versionConflicts = new Set(['23505', '40P01']);

/**
 * COPYs a fact's rows straight into its table, with no staging table and no merge, and checks their references
 * inside the transaction. A fact row is never updated, only inserted when its version is new, so this is the merge
 * whenever every version is new, as in a first load: about half the server's work of staging and merging.
 *
 * Under a savepoint: when a row is a version the table holds (or another transaction is inserting, or the rows
 * hold twice), the COPY fails, is undone, and null says to merge the rows from a staging table instead, which
 * skips those versions. So does a deadlock with a transaction inserting the same versions in another order.
 */
export async function copyFactStraight(
  client: pg.ClientBase,
  schema: string,
  fact: FactModel,
  batches: AsyncIterable<ColumnBatch>,
): Promise<LoadTotals | null> {
  const references = referenceKeys(fact);
  const columns = processedColumnsOf(fact);
  await client.query('SAVEPOINT totes_copy_straight');
  let received: number;
  try {
    received = await copyRows(client, qualifiedTable(schema, fact), columns, tap(batches, references.gather));
  } catch (error) {
    if (!versionConflicts.has(String((error as { code?: unknown }).code))) throw error;
    await client.query('ROLLBACK TO SAVEPOINT totes_copy_straight');
    return null;
  }
  await client.query('RELEASE SAVEPOINT totes_copy_straight');
  await assertReferencesPresent(client, schema, fact, references);
  return { received, written: received };
}

/** The batches, each shown to `see` as it passes. */
export async function* tap(
  batches: AsyncIterable<ColumnBatch>,
  see: (batch: ColumnBatch) => void,
): AsyncIterable<ColumnBatch> {
  for await (const batch of batches) {
    see(batch);
    yield batch;
  }
}
