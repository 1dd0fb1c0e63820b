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

/** The type of a table dimension's `_source_version`: text, the versions of its sources joined (see the model). */
export const sourceVersionSql = 'text';

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
  if (model.build === 'table') columns.push(`${q(sourceVersionColumn)} ${sourceVersionSql} NOT NULL`);
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

/** The first PostgreSQL (`server_version_num`) that can declare a foreign key `NOT ENFORCED`. */
export const notEnforcedSince = 180_000;

/**
 * A fact's foreign keys to its dimensions, declared `NOT ENFORCED`: BI tools and `\d` see the relationships, and
 * PostgreSQL checks no row against them. The loader's set-based check of each batch is the enforcement (see
 * docs/architecture.md). A key left enforced by an older platform is dropped and declared again, once.
 */
function notEnforcedForeignKeysDdl(schema: string, model: FactModel): string[] {
  const table = qualifiedTable(schema, model);
  return factReferences(model).map(({ column, dimension }) => {
    const name = `${model.name}_${column}_fkey`;
    return `DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${pg.escapeLiteral(table)}::regclass
             AND conname = ${pg.escapeLiteral(name)} AND conenforced) THEN
    ALTER TABLE ${table} DROP CONSTRAINT ${q(name)};
  END IF;
  ALTER TABLE ${table} ADD CONSTRAINT ${q(name)}
    FOREIGN KEY (${q(column)}) REFERENCES ${qualifiedTable(schema, dimension)} (${q(dimension.key)}) NOT ENFORCED;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;`;
  });
}

/** Before PostgreSQL 18 a foreign key is always enforced: the facts have none, and one made earlier is dropped. */
function droppedForeignKeysDdl(schema: string, model: FactModel): string[] {
  return factReferences(model).map(
    ({ column }) =>
      `ALTER TABLE ${qualifiedTable(schema, model)} DROP CONSTRAINT IF EXISTS ${q(`${model.name}_${column}_fkey`)};`,
  );
}

/**
 * The warehouse DDL for a server of `serverVersionNum` (PostgreSQL's `server_version_num`), generated from the
 * model: one table per model, created only if missing, with primary keys, and from PostgreSQL 18 the facts' foreign
 * keys to the dimensions, declared `NOT ENFORCED`. Before 18 the facts' foreign keys are left out.
 */
export function warehouseDdl(schema: string, serverVersionNum: number): string {
  const tables = warehouseModels.map((model) =>
    model.kind === 'fact' ? factDdl(schema, model) : dimensionDdl(schema, model),
  );
  const added = warehouseModels.flatMap((model) => deletedAtMigration(schema, model));
  const foreignKeys = factModels.flatMap((fact) =>
    serverVersionNum >= notEnforcedSince
      ? notEnforcedForeignKeysDdl(schema, fact)
      : droppedForeignKeysDdl(schema, fact),
  );
  return [`CREATE SCHEMA IF NOT EXISTS ${q(schema)};`, ...tables, ...added, ...foreignKeys].join('\n\n');
}
