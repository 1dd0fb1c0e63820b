import { currentRowsTableOf, type FactModel } from '@totes/model';
import pg from 'pg';
import { currentColumnsOf, latestFirst, qualifiedCurrentTable, qualifiedTable } from './ddl';
import { stagingTable } from './staging';

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
 * Brings the current rows up to date with the fact's rows whose record id is above `$1` (the straight path, which
 * copies into the fact and keeps no staging table): read `$1` with {@link lastRecordIdSql} before the copy, and every
 * row the copy inserted is above it. Rows other transactions inserted meanwhile may be read too, which changes
 * nothing: a row is kept only when it is newer. The rows are found by the record id's primary key, in the order they
 * were appended, not by one probe per source key.
 */
export function currentRowsFromFactSql(schema: string, fact: FactModel): string {
  const rows = `(SELECT * FROM ${qualifiedTable(schema, fact)} WHERE ${q(fact.recordId)} > $1::bigint)`;
  return upsertLatestSql(schema, fact, rows);
}

/**
 * The last record id the fact's serial has handed out, 0 before the first; a sequence is not transactional, so it
 * is the same in every transaction. `$1` is the fact's table, schema-qualified, as text.
 */
export function lastRecordIdSql(fact: FactModel): string {
  return `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, ${pg.escapeLiteral(fact.recordId)})::regclass), 0)::bigint::text AS id`;
}
