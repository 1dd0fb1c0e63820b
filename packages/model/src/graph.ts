import { ModelError, ModelErrorCode } from './errors';
import { sourceTables } from './source-catalog';
import type { ColumnRef, DimensionModel, FactModel, SourceTable, WarehouseModel } from './types';
import { warehouseModels } from './warehouse-model';

/** The table part of `table.column`. */
export function tableOf(ref: ColumnRef): string {
  return ref.slice(0, ref.indexOf('.'));
}

/** The column part of `table.column`. */
export function columnOf(ref: ColumnRef): string {
  return ref.slice(ref.indexOf('.') + 1);
}

/** The facts, in declaration order. */
export const factModels: readonly FactModel[] = warehouseModels.filter(
  (model): model is FactModel => model.kind === 'fact',
);

/**
 * The source tables a model is built from. A table dimension depends on its primary table and its joins; a fact
 * on its primary table; the calendar on every table whose fact references a date.
 */
export function dependenciesOf(model: WarehouseModel): readonly string[] {
  if (model.build === 'calendar') {
    return unique(
      factModels
        .filter((fact) => fact.columns.some((column) => column.references === model.name))
        .map((fact) => fact.primaryTable),
    );
  }
  if (model.kind === 'fact') return [model.primaryTable];
  return unique([model.primaryTable, ...model.joins.map((join) => join.table)]);
}

/** The models that a change to `table` must rebuild. */
export function modelsDependingOn(table: string): readonly WarehouseModel[] {
  return warehouseModels.filter((model) => dependenciesOf(model).includes(table));
}

/** Every model by name. */
export function findModel(name: string): WarehouseModel | undefined {
  return warehouseModels.find((model) => model.name === name);
}

/** Every source table by name. */
export function findSourceTable(name: string): SourceTable | undefined {
  return sourceTables.find((source) => source.name === name);
}

/**
 * The SNS filter policy of a model's queue on the `extracted` topic: exactly the tables it depends on, so a
 * change to any other table never reaches it.
 */
export function filterPolicyOf(model: WarehouseModel): { table: string[] } {
  return { table: [...dependenciesOf(model)].sort() };
}

/** The columns of a fact that identify one version of one source row: loads skip a version they already hold. */
export function factVersionKey(fact: FactModel): readonly string[] {
  const source = sourceTables.find((table) => table.name === fact.primaryTable);
  if (!source)
    throw new ModelError(
      ModelErrorCode.unknownTable,
      `fact ${fact.name} names unknown table ${fact.primaryTable}`,
    );
  const keyRef = `${source.name}.${source.primaryKey}`;
  const cursorRef = `${source.name}.${source.cursor}`;
  return fact.columns
    .filter((column) => 'from' in column.derive && [keyRef, cursorRef].includes(column.derive.from))
    .map((column) => column.name);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** A fact column that points at a dimension's key. */
export interface FactReference {
  readonly column: string;
  readonly dimension: DimensionModel;
}

/** The dimensions a fact's columns reference: the warehouse's foreign keys, and what a fact load waits for. */
export function factReferences(fact: FactModel): readonly FactReference[] {
  return fact.columns.flatMap((column) => {
    if (!column.references) return [];
    const dimension = findModel(column.references);
    if (dimension?.kind !== 'dimension') {
      throw new ModelError(
        ModelErrorCode.unknownModel,
        `${fact.name}.${column.name} references unknown ${column.references}`,
      );
    }
    return [{ column: column.name, dimension }];
  });
}
