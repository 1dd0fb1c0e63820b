import {
  type DimensionModel,
  type FactModel,
  factVersionKey,
  sourceVersionColumn,
  type WarehouseColumn,
  type WarehouseModel,
  warehouseModels,
} from '@totes/model';
import pg from 'pg';

const q = pg.escapeIdentifier;

/** A model's table, schema-qualified. Identifiers come from the model only. */
export function qualifiedTable(schema: string, model: WarehouseModel): string {
  return `${q(schema)}.${q(model.name)}`;
}

function columnDdl(column: WarehouseColumn): string {
  return `${q(column.name)} ${column.sql}${column.nullable ? '' : ' NOT NULL'}`;
}

function dimensionDdl(schema: string, model: DimensionModel): string {
  const columns = model.columns.map(columnDdl);
  if (model.build === 'table') columns.push(`${q(sourceVersionColumn)} text NOT NULL`);
  columns.push(`PRIMARY KEY (${q(model.key)})`);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, model)} (\n  ${columns.join(',\n  ')}\n);`;
}

function factDdl(schema: string, model: FactModel): string {
  const columns = [
    `${q(model.recordId)} serial PRIMARY KEY`,
    ...model.columns.map(columnDdl),
    `UNIQUE (${factVersionKey(model).map(q).join(', ')})`,
  ];
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, model)} (\n  ${columns.join(',\n  ')}\n);`;
}

/** The warehouse DDL, generated from the model: one table per model, created only if missing. */
export function warehouseDdl(schema: string): string {
  const tables = warehouseModels.map((model) =>
    model.kind === 'fact' ? factDdl(schema, model) : dimensionDdl(schema, model),
  );
  return [`CREATE SCHEMA IF NOT EXISTS ${q(schema)};`, ...tables].join('\n\n');
}
