import {
  deletedAtColumn,
  deletedAtSql,
  type LakeColumn,
  processedColumnsOf,
  sourceVersionColumn,
  type WarehouseModel,
} from '@totes/model';
import type { ColumnBatch } from '@totes/runtime';
import type pg from 'pg';
import { currentRowsFromFactSql, lastRecordIdSql } from './current-rows';
import { qualifiedTable, sourceVersionSql } from './ddl';
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

/** Whether a model's rows can be copied into its table as they are staged: every column takes the same input. */
export function copiesStraight(model: WarehouseModel): boolean {
  const sqlOf = new Map<string, string>(model.columns.map((column) => [column.name, column.sql]));
  sqlOf.set(deletedAtColumn, deletedAtSql);
  sqlOf.set(sourceVersionColumn, sourceVersionSql);
  return processedColumnsOf(model).every((column) =>
    sameBinaryInput[column.lake].test(sqlOf.get(column.name) ?? ''),
  );
}

/**
 * `unique_violation`: a fact version or a dimension key the table holds, or one in the rows twice.
 * `deadlock_detected`: see below.
 */
const versionConflicts = new Set(['23505', '40P01']);

/**
 * COPYs a model's rows straight into its table, with no staging table and no merge, and checks a fact's references
 * inside the transaction unless `checked` (they were checked, every key, just before it). That is the merge whenever every row is new, as in a first load, for about half the
 * server's work of staging and merging: a fact row is only ever inserted when its version is new, and a dimension
 * row whose key the table does not hold is inserted whatever its version.
 *
 * Under a savepoint: when a row is a fact version or a dimension key the table holds (or another transaction is
 * inserting it, or the rows hold it twice), the COPY fails, is undone, and null says to merge the rows from a
 * staging table instead, which applies the merge's rules to them. So does a deadlock with a transaction inserting
 * the same rows in another order.
 *
 * A fact's current rows are then brought up to date from the rows the copy inserted (by their record ids).
 */
export async function copyStraight(
  client: pg.ClientBase,
  schema: string,
  model: WarehouseModel,
  batches: AsyncIterable<ColumnBatch>,
  checked = false,
): Promise<LoadTotals | null> {
  const references = model.kind === 'fact' && !checked ? referenceKeys(model) : undefined;
  const columns = processedColumnsOf(model);
  // Every fact row the copy inserts gets a record id above this one: its current rows are brought up to date from them.
  const before =
    model.kind === 'fact'
      ? (await client.query<{ id: string }>(lastRecordIdSql(model), [qualifiedTable(schema, model)])).rows[0]
          ?.id
      : undefined;
  await client.query('SAVEPOINT totes_copy_straight');
  let received: number;
  try {
    const rows = references ? tap(batches, references.gather) : batches;
    received = await copyRows(client, qualifiedTable(schema, model), columns, rows);
  } catch (error) {
    if (!versionConflicts.has(String((error as { code?: unknown }).code))) throw error;
    await client.query('ROLLBACK TO SAVEPOINT totes_copy_straight');
    return null;
  }
  await client.query('RELEASE SAVEPOINT totes_copy_straight');
  if (model.kind === 'fact' && references) await assertReferencesPresent(client, schema, model, references);
  if (model.kind === 'fact') await client.query(currentRowsFromFactSql(schema, model), [before ?? '0']);
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
