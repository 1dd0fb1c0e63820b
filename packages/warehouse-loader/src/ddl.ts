import {
  type CurrentRowsTable,
  currentRowsTableOf,
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

/** A model column's definition in a CREATE TABLE. */
export function columnDdl(column: WarehouseColumn): string {
  return `${q(column.name)} ${column.sql}${column.nullable ? '' : ' NOT NULL'}`;
}

/** The definition of `_deleted_at` in a CREATE TABLE. */
export const deletedAtDdl = `${q(deletedAtColumn)} ${deletedAtSql}`;

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

/** The day the dashboard filters and groups a fact's current rows by: indexed. */
export const currentRowsDayColumn = 'created_date';

/** A fact's current-rows table, schema-qualified. */
export function qualifiedCurrentTable(schema: string, fact: FactModel): string {
  return `${q(schema)}.${q(currentRowsTableOf(fact).name)}`;
}

/** The columns a current row has: the fact's own, and `_deleted_at` (a deletion is kept, as its tombstone). */
export function currentColumnsOf(fact: FactModel): string[] {
  return [...fact.columns.map((column) => column.name), deletedAtColumn];
}

/**
 * The DDL of a fact's current-rows table: created if missing, with its source key as primary key and an index on
 * the day, and filled from the fact while it is empty (the migration of a warehouse loaded before it existed; a
 * fact with rows always has current rows, since deletions are kept as tombstones).
 */
function currentRowsDdl(schema: string, fact: FactModel): string[] {
  const current = currentRowsTableOf(fact);
  const table = qualifiedCurrentTable(schema, fact);
  const columns = [...fact.columns.map(columnDdl), deletedAtDdl, `PRIMARY KEY (${q(current.key)})`];
  const list = currentColumnsOf(fact).map(q).join(', ');
  const hasDay = fact.columns.some((column) => column.name === currentRowsDayColumn);
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (\n  ${columns.join(',\n  ')}\n);`,
    ...(hasDay
      ? [
          `CREATE INDEX IF NOT EXISTS ${q(`${current.name}_${currentRowsDayColumn}_idx`)} ON ${table} (${q(currentRowsDayColumn)});`,
        ]
      : []),
    `INSERT INTO ${table} (${list})
  SELECT DISTINCT ON (${q(current.key)}) ${list} FROM ${qualifiedTable(schema, fact)}
  WHERE NOT EXISTS (SELECT 1 FROM ${table})
  ORDER BY ${latestFirst(current)}
  ON CONFLICT (${q(current.key)}) DO NOTHING;`,
  ];
}

/** Each key's rows newest first: DISTINCT ON keeps the latest version. */
export function latestFirst(current: CurrentRowsTable): string {
  return [q(current.key), ...current.version.map((column) => `${q(column)} DESC`)].join(', ');
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
  // After `_deleted_at` is added: a current-rows table made for an older warehouse is filled from its facts.
  const current = factModels.flatMap((fact) => currentRowsDdl(schema, fact));
  return [`CREATE SCHEMA IF NOT EXISTS ${q(schema)};`, ...tables, ...added, ...current, ...foreignKeys].join(
    '\n\n',
  );
}
