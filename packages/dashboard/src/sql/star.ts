import {
  currentRowsTableOf,
  type DimensionModel,
  deletedAtColumn,
  type FactModel,
  factReferences,
  findModel,
  type WarehouseModel,
} from '@totes/model';
import pg from 'pg';
import { DashboardError, DashboardErrorCode } from '../errors';

const q = pg.escapeIdentifier;

/** The alias of the fact's current rows in the inner aggregate, and of the aggregate in the outer query. */
const factAlias = 'f';
const aggregateAlias = 'a';

/** The day every star query filters by: when the order or payment was created. */
export const starDateColumn = 'created_date';

/** What the inner aggregate groups by and adds up. */
export interface AggregateSpec {
  /** Fact columns that reference a dimension: grouped by, and labelled by the outer query through {@link StarSql.dim}. */
  readonly by: readonly string[];
  /** Other expressions grouped by, named (a period, paid or unpaid), over {@link StarSql.col}. */
  readonly also?: Readonly<Record<string, string>>;
  /** Additive measures, named: a sum or a count, which the outer query adds up again with {@link StarSql.total}. */
  readonly measures: Readonly<Record<string, string>>;
}

/**
 * Builds the SQL of one star query from the model, in two steps so that it stays cheap as the fact grows: an inner
 * aggregate of the fact's current rows, grouped by dimension keys (integers) and filtered by the date range and the
 * currency; then an outer query that joins the dimensions to the few aggregated rows for their labels and adds the
 * measures up again per label. Every identifier is a model's name or column, checked and quoted here.
 */
export interface StarSql {
  /** The fact's own column in the inner aggregate, `f."units_sold"`. */
  col(column: string): string;
  /** Declares the inner aggregate. Called once, before anything of the outer query. */
  aggregate(spec: AggregateSpec): void;
  /** A group of the aggregate in the outer query, `a."period"`. */
  group(name: string): string;
  /** A measure of the aggregate added up in the outer query, `sum(a."revenue")`. */
  total(measure: string): string;
  /** A column of the dimension a grouped fact column points at, `"d_design_id"."design_name"`; joins it. */
  dim(factColumn: string, column: string): string;
  /** The outer FROM: the aggregate and the dimensions joined to it. */
  from(): string;
  /** The models the query reads: the fact, `dim_currency` (every query filters by it) and each dimension joined. */
  models(): string[];
}

/** A star query over one fact of the warehouse schema `schema`. */
export function starSql(schema: string, factName: string): StarSql {
  const fact = factNamed(factName);
  const joined = new Map<string, DimensionModel>();
  const currency = referenced(fact, 'currency_id').dimension;
  let spec: AggregateSpec | undefined;
  // A dimension first used after FROM was written would be missing from it: refuse it loudly instead.
  let fromWritten = false;
  const declared = () => {
    if (!spec) throw starError(`${fact.name}: the aggregate is used before it is declared`);
    return spec;
  };
  return {
    col: (column) => `${factAlias}.${q(checkedColumn(fact, column))}`,
    aggregate: (given) => {
      for (const column of given.by) referenced(fact, column);
      spec = given;
    },
    group: (name) => {
      const { by, also = {} } = declared();
      if (!by.includes(name) && !(name in also)) throw starError(`${fact.name}: "${name}" is not grouped by`);
      return `${aggregateAlias}.${q(name)}`;
    },
    total: (measure) => {
      if (!(measure in declared().measures)) throw starError(`${fact.name}: "${measure}" is not a measure`);
      return `sum(${aggregateAlias}.${q(measure)})`;
    },
    dim: (factColumn, column) => {
      if (!declared().by.includes(factColumn))
        throw starError(`${fact.name}.${factColumn} is not grouped by`);
      const { dimension } = referenced(fact, factColumn);
      if (fromWritten && !joined.has(factColumn))
        throw starError(`${fact.name}.${factColumn}: its dimension is used after FROM was written`);
      joined.set(factColumn, dimension);
      return `${q(dimensionAlias(factColumn))}.${q(checkedColumn(dimension, column))}`;
    },
    from: () => {
      fromWritten = true;
      const inner = aggregateSql(schema, fact, currency, declared());
      return [
        `(${inner}) AS ${aggregateAlias}`,
        ...[...joined].map(([column, dimension]) => {
          const alias = q(dimensionAlias(column));
          return `JOIN ${q(schema)}.${q(dimension.name)} AS ${alias} ON ${alias}.${q(dimension.key)} = ${aggregateAlias}.${q(column)}`;
        }),
      ].join('\n  ');
    },
    models: () => [
      fact.name,
      ...new Set([currency.name, ...[...joined.values()].map((dimension) => dimension.name)]),
    ],
  };
}

/**
 * The inner aggregate: the fact's current rows in the date range and currency, grouped and summed. When a group is
 * computed from the day (a period), the rows are first summed per day and the period computed once per day, not
 * once per row: formatting a period costs more than reading the row (measured 2.5× on fact_payment at scale 100).
 * The measures are additive, so summing them again per period gives the same figures.
 */
function aggregateSql(
  schema: string,
  fact: FactModel,
  currency: DimensionModel,
  spec: AggregateSpec,
): string {
  const column = (name: string) => `${factAlias}.${q(checkedColumn(fact, name))}`;
  const also = Object.entries(spec.also ?? {});
  const groups = [
    ...spec.by.map((name) => `${column(name)} AS ${q(name)}`),
    ...also.map(([name, sql]) => `${sql} AS ${q(name)}`),
  ];
  const dayColumns = [...new Set(also.flatMap(([, sql]) => factColumnsIn(sql)))];
  const byDay = dayColumns.includes(starDateColumn);
  const measures = Object.entries(spec.measures).map(
    ([name, sql]) => `${byDay ? `sum(${factAlias}.${q(name)})` : sql} AS ${q(name)}`,
  );
  const rows = byDay
    ? `(${currentRowsSql(schema, fact, currency, {
        groups: [...new Set([...spec.by, ...dayColumns])].map((name) => `${column(name)} AS ${q(name)}`),
        measures: Object.entries(spec.measures).map(([name, sql]) => `${sql} AS ${q(name)}`),
      })})`
    : currentVersionsSql(schema, fact);
  const where = byDay ? '' : `WHERE ${filtersSql(schema, fact, currency)}`;
  return `SELECT ${[...groups, ...measures].join(', ')}
    FROM ${rows} AS ${factAlias}
    ${where}
    ${groupBy(groups)}`;
}

/** The current rows in the date range and currency, grouped by `groups` and summed by `measures` (each `<sql> AS <name>`). */
function currentRowsSql(
  schema: string,
  fact: FactModel,
  currency: DimensionModel,
  select: { groups: readonly string[]; measures: readonly string[] },
): string {
  return `SELECT ${[...select.groups, ...select.measures].join(', ')}
      FROM ${currentVersionsSql(schema, fact)} AS ${factAlias}
      WHERE ${filtersSql(schema, fact, currency)}
      ${groupBy(select.groups)}`;
}

/** The date range and the currency, over the fact's current rows. */
function filtersSql(schema: string, fact: FactModel, currency: DimensionModel): string {
  const column = (name: string) => `${factAlias}.${q(checkedColumn(fact, name))}`;
  const day = column(starDateColumn);
  const code = q(checkedColumn(currency, 'currency_code'));
  return [
    `($from::date IS NULL OR ${day} >= $from::date)`,
    `($to::date IS NULL OR ${day} <= $to::date)`,
    `($currency::text IS NULL OR ${column('currency_id')} IN (SELECT ${q(currency.key)} FROM ${q(schema)}.${q(currency.name)} WHERE ${code} = $currency::text))`,
  ].join(' AND ');
}

function groupBy(groups: readonly unknown[]): string {
  return groups.length > 0 ? `GROUP BY ${groups.map((_, index) => index + 1).join(', ')}` : '';
}

/** The fact's columns an expression reads, as {@link StarSql.col} wrote them: `f."created_date"`. */
function factColumnsIn(sql: string): string[] {
  return [...sql.matchAll(new RegExp(`\\b${factAlias}\\."([^"]+)"`, 'g'))].map((match) => match[1] as string);
}

/**
 * A fact's current rows: of the versions of each source row the fact keeps, the latest, and only when that one does
 * not mark the row deleted. The loader keeps the latest version of each row in the fact's current-rows table, in
 * the load's own transaction (docs/dashboard.md): a read of it costs the rows it holds, not every version the fact
 * has, nor a sort of them.
 */
export function currentVersionsSql(schema: string, fact: FactModel): string {
  const current = currentRowsTableOf(fact);
  return `(SELECT * FROM ${q(schema)}.${q(current.name)} AS current_rows WHERE current_rows.${q(deletedAtColumn)} IS NULL)`;
}

function factNamed(name: string): FactModel {
  const model = findModel(name);
  if (model?.kind !== 'fact') throw starError(`${name} is not a fact of the model`);
  return model;
}

function referenced(fact: FactModel, column: string) {
  const found = factReferences(fact).find((ref) => ref.column === column);
  if (!found) throw starError(`${fact.name}.${column} references no dimension`);
  return found;
}

function checkedColumn(model: WarehouseModel, column: string): string {
  if (!model.columns.some((declared) => declared.name === column))
    throw starError(`${model.name} has no column ${column}`);
  return column;
}

function dimensionAlias(factColumn: string): string {
  return `d_${factColumn}`;
}

function starError(message: string): DashboardError {
  return new DashboardError(DashboardErrorCode.unknownColumn, message);
}
