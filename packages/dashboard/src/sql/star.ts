import {
  type DimensionModel,
  deletedAtColumn,
  type FactModel,
  factReferences,
  factVersionKey,
  findModel,
  type WarehouseModel,
} from '@totes/model';
import pg from 'pg';
import { DashboardError, DashboardErrorCode } from '../errors';

const q = pg.escapeIdentifier;

/** The alias of the fact's current rows in every star query. */
const factAlias = 'f';

/**
 * Builds the SQL of one star query from the model: every identifier is a model's name or column, checked and
 * quoted here, so no name in a query comes from anywhere else. Dimensions are joined on first use.
 */
export interface StarSql {
  /** The fact's own column, `f."units_sold"`. */
  col(column: string): string;
  /** A column of the dimension that the fact's column points at, `"d_design_id"."design_name"`; joins it. */
  dim(factColumn: string, column: string): string;
  /** The FROM clause: the fact's current rows (one per source row, deleted ones left out) and the joined dimensions. */
  from(): string;
  /** The models the query reads: the fact and every dimension it joined, for the cache and the live panels. */
  models(): string[];
}

/** A star query over one fact of the warehouse schema `schema`. */
export function starSql(schema: string, factName: string): StarSql {
  const fact = factNamed(factName);
  const joined = new Map<string, DimensionModel>();
  // A dimension first used after FROM was written would be missing from it: refuse it loudly instead.
  let fromWritten = false;
  const reference = (column: string) => {
    const found = factReferences(fact).find((ref) => ref.column === column);
    if (!found) throw unknownColumn(`${fact.name}.${column} references no dimension`);
    return found;
  };
  return {
    col: (column) => `${factAlias}.${q(checkedColumn(fact, column))}`,
    dim: (factColumn, column) => {
      const { dimension } = reference(factColumn);
      if (fromWritten && !joined.has(factColumn))
        throw unknownColumn(`${fact.name}.${factColumn}: its dimension is used after FROM was written`);
      joined.set(factColumn, dimension);
      return `${q(dimensionAlias(factColumn))}.${q(checkedColumn(dimension, column))}`;
    },
    from: () => {
      fromWritten = true;
      return [
        `${currentVersionsSql(schema, fact)} AS ${factAlias}`,
        ...[...joined].map(([column, dimension]) => {
          const alias = q(dimensionAlias(column));
          return `JOIN ${q(schema)}.${q(dimension.name)} AS ${alias} ON ${alias}.${q(dimension.key)} = ${factAlias}.${q(column)}`;
        }),
      ].join('\n  ');
    },
    models: () => [fact.name, ...new Set([...joined.values()].map((dimension) => dimension.name))],
  };
}

/**
 * A fact's current rows: of the versions of each source row the fact keeps, the latest (by its version key), and
 * only when that one does not mark the row deleted.
 */
export function currentVersionsSql(schema: string, fact: FactModel): string {
  const [key, ...version] = factVersionKey(fact);
  if (!key) throw unknownColumn(`${fact.name} has no version key`);
  const order = [q(key), ...version.map((column) => `${q(column)} DESC`)].join(', ');
  const latest = `SELECT DISTINCT ON (${q(key)}) * FROM ${q(schema)}.${q(fact.name)} ORDER BY ${order}`;
  return `(SELECT * FROM (${latest}) AS latest WHERE latest.${q(deletedAtColumn)} IS NULL)`;
}

function factNamed(name: string): FactModel {
  const model = findModel(name);
  if (model?.kind !== 'fact') throw unknownColumn(`${name} is not a fact of the model`);
  return model;
}

function checkedColumn(model: WarehouseModel, column: string): string {
  if (!model.columns.some((declared) => declared.name === column))
    throw unknownColumn(`${model.name} has no column ${column}`);
  return column;
}

function dimensionAlias(factColumn: string): string {
  return `d_${factColumn}`;
}

function unknownColumn(message: string): DashboardError {
  return new DashboardError(DashboardErrorCode.unknownColumn, message);
}
