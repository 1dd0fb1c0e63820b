import {
  currentRowsTableOf,
  deletedAtColumn,
  marksDeletes,
  type Row,
  type SourceTable,
  type WarehouseModel,
} from '@totes/model';
import { lakeTypes } from '@totes/runtime';
import pg from 'pg';
import { streamRows } from './stream-rows';

const q = pg.escapeIdentifier;

function list(columns: readonly string[]): string {
  return columns.map(q).join(', ');
}

/** A warehouse table, schema-qualified; identifiers come from the model and the config only, always quoted. */
export function warehouseTable(schema: string, model: WarehouseModel): string {
  return `${q(schema)}.${q(model.name)}`;
}

/** The query that reads a source table's catalog columns in primary key order. */
export function sourceTableSql(source: SourceTable): string {
  return `SELECT ${list(source.columns.map((column) => column.name))} FROM ${q(source.name)} ORDER BY ${q(source.primaryKey)}`;
}

/**
 * The query that reads a warehouse table's model columns (never `_source_version`), and `_deleted_at` where the
 * model marks deletes, in the given order.
 */
export function warehouseTableSql(schema: string, model: WarehouseModel, orderBy: readonly string[]): string {
  const columns = model.columns.map((column) => column.name);
  if (marksDeletes(model)) columns.push(deletedAtColumn);
  return `SELECT ${list(columns)} FROM ${warehouseTable(schema, model)} ORDER BY ${list(orderBy)}`;
}

/** Streams a source table in primary key order, batch by batch. */
export function streamSourceTable(client: pg.ClientBase, source: SourceTable): AsyncGenerator<Row[]> {
  return streamRows(client, sourceTableSql(source));
}

/** Reads a whole source table: only for the small lookups that dimensions join. */
export async function readSourceTable(client: pg.ClientBase, source: SourceTable): Promise<Row[]> {
  const { rows } = await client.query<Row>({ text: sourceTableSql(source), types: lakeTypes });
  return rows;
}

/** Streams a warehouse table in the given column order, batch by batch. */
export function streamWarehouseTable(
  client: pg.ClientBase,
  schema: string,
  model: WarehouseModel,
  orderBy: readonly string[],
): AsyncGenerator<Row[]> {
  return streamRows(client, warehouseTableSql(schema, model, orderBy));
}

/** Reads a whole warehouse table: only for the calendar, one row per day. */
export async function readWarehouseTable(
  client: pg.ClientBase,
  schema: string,
  model: WarehouseModel,
  orderBy: readonly string[],
): Promise<Row[]> {
  const { rows } = await client.query<Row>({
    text: warehouseTableSql(schema, model, orderBy),
    types: lakeTypes,
  });
  return rows;
}

/** The model's tables, and its facts' current-rows tables, that the warehouse schema lacks. */
export async function missingWarehouseTables(
  client: pg.ClientBase,
  schema: string,
  models: readonly WarehouseModel[],
): Promise<string[]> {
  const names = models.flatMap((model) =>
    model.kind === 'fact' ? [model.name, currentRowsTableOf(model).name] : [model.name],
  );
  const { rows } = await client.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2::text[])',
    [schema, names],
  );
  const found = new Set(rows.map((row) => row.table_name));
  return names.filter((name) => !found.has(name));
}
