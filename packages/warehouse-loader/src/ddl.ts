import {
  type DimensionModel,
  deletedAtColumn,
  deletedAtSql,
  type FactModel,
  factModels,
  factReferences,
  factVersionKey,
  marksDeletes,
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

const deletedAtDdl = `${q(deletedAtColumn)} ${deletedAtSql}`;

/** `_deleted_at` added in place to a table created before deletes were tracked. */
function deletedAtMigration(schema: string, model: WarehouseModel): string[] {
  if (!marksDeletes(model)) return [];
  return [`ALTER TABLE ${qualifiedTable(schema, model)} ADD COLUMN IF NOT EXISTS ${deletedAtDdl};`];
}

function dimensionDdl(schema: string, model: DimensionModel): string {
  const columns = model.columns.map(columnDdl);
  if (model.build === 'table') columns.push(`${q(sourceVersionColumn)} text NOT NULL`);
  if (marksDeletes(model)) columns.push(deletedAtDdl);
  columns.push(`PRIMARY KEY (${q(model.key)})`);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, model)} (\n  ${columns.join(',\n  ')}\n);`;
}

function factDdl(schema: string, model: FactModel): string {
  const columns = [
    `${q(model.recordId)} serial PRIMARY KEY`,
    ...model.columns.map(columnDdl),
    deletedAtDdl,
    `UNIQUE (${factVersionKey(model).map(q).join(', ')})`,
  ];
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, model)} (\n  ${columns.join(',\n  ')}\n);`;
}

/** A fact's foreign keys to its dimensions, added once: a warehouse migrated before they existed gets them too. */
function foreignKeysDdl(schema: string, model: FactModel): string[] {
  return factReferences(model).map(({ column, dimension }) => {
    const name = q(`${model.name}_${column}_fkey`);
    return `DO $$ BEGIN
  ALTER TABLE ${qualifiedTable(schema, model)} ADD CONSTRAINT ${name}
    FOREIGN KEY (${q(column)}) REFERENCES ${qualifiedTable(schema, dimension)} (${q(dimension.key)});
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;`;
  });
}

/**
 * The warehouse DDL, generated from the model: one table per model, created only if missing, with primary keys and
 * the foreign keys from the facts to the dimensions.
 */
export function warehouseDdl(schema: string): string {
  const tables = warehouseModels.map((model) =>
    model.kind === 'fact' ? factDdl(schema, model) : dimensionDdl(schema, model),
  );
  const added = warehouseModels.flatMap((model) => deletedAtMigration(schema, model));
  const foreignKeys = factModels.flatMap((fact) => foreignKeysDdl(schema, fact));
  return [`CREATE SCHEMA IF NOT EXISTS ${q(schema)};`, ...tables, ...added, ...foreignKeys].join('\n\n');
}
