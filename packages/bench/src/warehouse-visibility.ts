import {
  deriveFactRow,
  factVersionKey,
  type Row,
  sourceTables,
  sourceVersionColumn,
  type TableDimension,
  warehouseModels,
} from '@totes/model';
import type pg from 'pg';
import { BenchError, BenchErrorCode } from './errors';
import type { AppliedChange } from './single-row-changes';

/** A query that finds one row in the warehouse once a change has reached it. */
export interface Witness {
  readonly model: string;
  readonly sql: string;
  readonly values: readonly unknown[];
}

/**
 * Where a change shows in the warehouse, from the model's declarations: for a fact's table, the fact row with that
 * version key (one row per source row version); for a dimension's primary table, its row built from a source row at
 * least this new (the first part of `_source_version`); for a table a dimension joins (a department), the witness
 * row's part of `_source_version` for that join. `changed` is the source row after the change, read with the lake's
 * type parsers.
 */
export function witnessOf(change: AppliedChange, changed: Row, schema: string): Witness {
  const quoted = (name: string) => `"${schema}"."${name}"`;
  const fact = warehouseModels.find((model) => model.kind === 'fact' && model.primaryTable === change.table);
  if (fact?.kind === 'fact') {
    const row = deriveFactRow(fact, changed);
    const key = factVersionKey(fact);
    return {
      model: fact.name,
      sql: `SELECT 1 FROM ${quoted(fact.name)} WHERE ${key.map((column, i) => `"${column}" = $${i + 1}`).join(' AND ')}`,
      values: key.map((column) => row[column]),
    };
  }
  const dimensions = warehouseModels.filter(
    (model): model is TableDimension => model.kind === 'dimension' && model.build === 'table',
  );
  const cursor = sourceTables.find((table) => table.name === change.table)?.cursor ?? 'last_updated';
  const version = changed[cursor];
  const primary = dimensions.find((dimension) => dimension.primaryTable === change.table);
  const joined = dimensions.find((dimension) => dimension.joins.some((join) => join.table === change.table));
  const dimension = primary ?? joined;
  if (!dimension || typeof version !== 'string') {
    throw new BenchError(BenchErrorCode.changeFailed, `no warehouse table shows a change to ${change.table}`);
  }
  const part = primary ? 1 : dimension.joins.findIndex((join) => join.table === change.table) + 2;
  return {
    model: dimension.name,
    sql: `SELECT 1 FROM ${quoted(dimension.name)}
          WHERE "${dimension.key}" = $1 AND split_part("${sourceVersionColumn}", '|', ${part}) >= $2`,
    values: [change.witnessId, version],
  };
}

/** Reads the source row of a change, with the lake's type parsers (the pool's). */
export async function readChangedRow(source: pg.Pool, change: AppliedChange): Promise<Row> {
  const table = sourceTables.find((candidate) => candidate.name === change.table);
  const found = await source.query<Row>(
    `SELECT * FROM public."${change.table}" WHERE "${table?.primaryKey ?? `${change.table}_id`}" = $1`,
    [change.id],
  );
  const row = found.rows[0];
  if (!row) throw new BenchError(BenchErrorCode.changeFailed, `${change.table} ${change.id} is gone`);
  return row;
}

/**
 * Polls the witness every `pollMs` until it finds its row; resolves with the time it was found
 * (`performance.now()`), or null when `timeoutMs` passes first.
 */
export async function waitUntilVisible(
  warehouse: pg.Pool,
  witness: Witness,
  options: { pollMs: number; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<number | null> {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    options.signal?.throwIfAborted();
    const found = await warehouse.query(witness.sql, [...witness.values]);
    if ((found.rowCount ?? 0) > 0) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  return null;
}
