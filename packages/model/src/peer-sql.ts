import { calendarPartSql, derivationSql, sqlIdentifier } from './derive-sql';
import { ModelError, ModelErrorCode } from './errors';
import { factModels, findSourceTable, tableOf } from './graph';
import { sourceTables } from './source-catalog';
import type {
  CalendarDimension,
  FactModel,
  SourceTable,
  TableDimension,
  WarehouseColumn,
  WarehouseModel,
} from './types';
import { warehouseModels } from './warehouse-model';

/** Where the in-database rebuild reads and writes: two schemas of one database. */
export interface PeerSchemas {
  /** The copies of the 11 source tables, named as in totesys. */
  readonly staging: string;
  /** Where the 11 warehouse tables are rebuilt, named as in the warehouse. */
  readonly target: string;
}

const q = sqlIdentifier;

/**
 * The type a staging copy of a source column takes. An enum of the source (a quoted type name) does not exist in
 * the warehouse database: it lands as text, as EL tools land it.
 */
export function peerStagingType(sql: string): string {
  return sql.startsWith('"') ? 'text' : sql;
}

/** The staging table of one source table: its catalog columns and primary key, as a plain EL landing makes it. */
export function peerStagingDdl(schema: string, table: SourceTable): string {
  const columns = table.columns.map(
    (column) => `${q(column.name)} ${peerStagingType(column.sql)}${column.nullable ? '' : ' NOT NULL'}`,
  );
  columns.push(`PRIMARY KEY (${q(table.primaryKey)})`);
  return `CREATE TABLE ${q(schema)}.${q(table.name)} (\n  ${columns.join(',\n  ')}\n)`;
}

/** The two schemas and the empty staging tables: what the peer creates before its clock starts. */
export function peerSchemasDdl(schemas: PeerSchemas): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${q(schemas.staging)}`,
    `CREATE SCHEMA IF NOT EXISTS ${q(schemas.target)}`,
    ...sourceTables.map((table) => peerStagingDdl(schemas.staging, table)),
  ];
}

/** A warehouse column computed by `expression`, cast to the column's warehouse type. */
function selectColumn(column: WarehouseColumn, expression: string): string {
  return `(${expression})::${column.sql} AS ${q(column.name)}`;
}

function from(schema: string, table: string): string {
  return `${q(schema)}.${q(table)} AS ${q(table)}`;
}

/** A dimension: its primary table joined to its lookups on their primary keys, every column by its derivation. */
function tableDimensionSelect(staging: string, dimension: TableDimension): string {
  const primary = q(dimension.primaryTable);
  const joins = dimension.joins.map((join) => {
    const partner = findSourceTable(join.table);
    if (!partner)
      throw new ModelError(
        ModelErrorCode.unknownTable,
        `${dimension.name} joins unknown table ${join.table}`,
      );
    const kind = join.type === 'inner' ? 'INNER JOIN' : 'LEFT JOIN';
    return `${kind} ${from(staging, join.table)} ON ${q(join.table)}.${q(partner.primaryKey)} = ${primary}.${q(join.foreignKey)}`;
  });
  const columns = dimension.columns.map((column) => selectColumn(column, derivationSql(column.derive)));
  return [`SELECT ${columns.join(',\n  ')}`, `FROM ${from(staging, dimension.primaryTable)}`, ...joins].join(
    '\n',
  );
}

/** A fact: one row per row of its primary table, every column by its derivation from that row alone. */
function factSelect(staging: string, fact: FactModel): string {
  const columns = fact.columns.map((column) => {
    if ('from' in column.derive && tableOf(column.derive.from) !== fact.primaryTable)
      throw new ModelError(
        ModelErrorCode.invalidValue,
        `${fact.name}.${column.name} reads ${column.derive.from}, not its primary table ${fact.primaryTable}`,
      );
    return selectColumn(column, derivationSql(column.derive));
  });
  return `SELECT ${columns.join(',\n  ')}\nFROM ${from(staging, fact.primaryTable)}`;
}

/** The calendar: one row per distinct day that any fact's columns referencing it derive, each part in SQL. */
function calendarSelect(staging: string, calendar: CalendarDimension): string {
  const days = factModels.flatMap((fact) =>
    fact.columns
      .filter((column) => column.references === calendar.name)
      .map(
        (column) => `SELECT ${derivationSql(column.derive)} AS day FROM ${from(staging, fact.primaryTable)}`,
      ),
  );
  const columns = calendar.columns.map((column) => {
    if (column.derive.kind !== 'calendar')
      throw new ModelError(
        ModelErrorCode.invalidValue,
        `${calendar.name}.${column.name} must be a calendar part`,
      );
    return selectColumn(column, calendarPartSql(column.derive.part, 'days.day'));
  });
  return `SELECT ${columns.join(',\n  ')}\nFROM (\n${days.join('\nUNION\n')}\n) AS days\nWHERE days.day IS NOT NULL`;
}

/** The SELECT that rebuilds one warehouse model from the staging copies of its source tables. */
export function peerSelectSql(staging: string, model: WarehouseModel): string {
  if (model.kind === 'fact') return factSelect(staging, model);
  if (model.build === 'calendar') return calendarSelect(staging, model);
  return tableDimensionSelect(staging, model);
}

/** One model rebuilt as a dbt `table` model is materialised: `CREATE TABLE … AS SELECT`, no constraints. */
export function peerModelSql(schemas: PeerSchemas, model: WarehouseModel): string {
  return `CREATE TABLE ${q(schemas.target)}.${q(model.name)} AS\n${peerSelectSql(schemas.staging, model)}`;
}

/**
 * The in-database rebuild of the whole warehouse from staging copies of the source, generated from the model's
 * declarations (so it cannot drift from the platform's derivations): one statement per model, in model order.
 */
export function peerRebuildSql(schemas: PeerSchemas): { model: string; sql: string }[] {
  return warehouseModels.map((model) => ({ model: model.name, sql: peerModelSql(schemas, model) }));
}
