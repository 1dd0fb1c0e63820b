import {
  type CalendarDimension,
  type FactModel,
  factVersionKey,
  findSourceTable,
  LakeType,
  type SourceTable,
  type TableDimension,
  type WarehouseColumn,
  type WarehouseModel,
  warehouseModels,
} from '@totes/model';
import { VerifyError, VerifyErrorCode } from './errors';

/** What verifying a fact needs to know of it, all read from its declaration. */
export interface FactShape {
  readonly fact: FactModel;
  readonly source: SourceTable;
  /** The fact column that copies the source table's primary key. */
  readonly keyColumn: string;
  /** The rest of the version key: the columns derived from the source's `last_updated`. */
  readonly versionColumns: readonly string[];
  /** Money and quantity columns: exact numbers that point at no dimension and are not part of the version key. */
  readonly measures: readonly WarehouseColumn[];
  /** The column that points at the currency dimension, when the fact has one. */
  readonly currencyColumn: string | undefined;
  /** The day the source row was created: the date part of a source timestamp other than `last_updated`. */
  readonly dayColumn: string | undefined;
  /** The columns that point at a calendar dimension, with that dimension's name. */
  readonly calendarColumns: readonly { readonly column: string; readonly calendar: string }[];
}

/** What verifying a table dimension needs to know of it, all read from its declaration. */
export interface DimensionShape {
  readonly dimension: TableDimension;
  readonly source: SourceTable;
  /** The source tables joined to the primary one, in declaration order. */
  readonly joined: readonly SourceTable[];
}

function sourceTableOf(model: WarehouseModel, table: string): SourceTable {
  const source = findSourceTable(table);
  if (!source) {
    throw new VerifyError(
      VerifyErrorCode.unsupportedModel,
      `${model.name} names unknown source table ${table}`,
    );
  }
  return source;
}

/** The warehouse column that copies the primary key of `source`; the merge on both sides orders by it. */
function keyColumnOf(model: WarehouseModel, source: SourceTable): WarehouseColumn {
  const from = `${source.name}.${source.primaryKey}`;
  const column = model.columns.find(
    (candidate) => candidate.derive.kind === 'copy' && candidate.derive.from === from,
  );
  if (!column) {
    throw new VerifyError(VerifyErrorCode.unsupportedModel, `${model.name} has no column copying ${from}`);
  }
  return column;
}

const exactNumbers: readonly LakeType[] = [LakeType.decimal, LakeType.int32];

/** The calendar dimensions of the warehouse. */
export const calendarModels: readonly CalendarDimension[] = warehouseModels.filter(
  (model): model is CalendarDimension => model.build === 'calendar',
);

/** The shape of a table dimension; throws a {@link VerifyError} when its key is not its primary table's key. */
export function dimensionShapeOf(dimension: TableDimension): DimensionShape {
  const source = sourceTableOf(dimension, dimension.primaryTable);
  const key = keyColumnOf(dimension, source);
  if (key.name !== dimension.key) {
    throw new VerifyError(
      VerifyErrorCode.unsupportedModel,
      `${dimension.name}.${dimension.key} is not the column copying ${source.name}.${source.primaryKey}`,
    );
  }
  return { dimension, source, joined: dimension.joins.map((join) => sourceTableOf(dimension, join.table)) };
}

/** The shape of a fact, read from its declaration and the declarations of the dimensions it points at. */
export function factShapeOf(fact: FactModel): FactShape {
  const source = sourceTableOf(fact, fact.primaryTable);
  const keyColumn = keyColumnOf(fact, source).name;
  const versionKey = factVersionKey(fact);
  const versionColumns = versionKey.filter((name) => name !== keyColumn);
  const cursorRef = `${source.name}.${source.cursor}`;
  const currencyDimensions = warehouseModels
    .filter((model) => model.columns.some((column) => column.derive.kind === 'currencyName'))
    .map((model) => model.name);
  const calendars = calendarModels.map((model) => model.name);
  return {
    fact,
    source,
    keyColumn,
    versionColumns,
    measures: fact.columns.filter(
      (column) =>
        exactNumbers.includes(column.lake) &&
        column.references === undefined &&
        !versionKey.includes(column.name),
    ),
    currencyColumn: fact.columns.find(
      (column) => column.references !== undefined && currencyDimensions.includes(column.references),
    )?.name,
    dayColumn: fact.columns.find(
      (column) => column.derive.kind === 'datePart' && column.derive.from !== cursorRef,
    )?.name,
    calendarColumns: fact.columns.flatMap((column) =>
      column.references !== undefined && calendars.includes(column.references)
        ? [{ column: column.name, calendar: column.references }]
        : [],
    ),
  };
}
