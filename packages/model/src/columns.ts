import { numeric } from './numeric';
import {
  type CalendarPart,
  type ColumnRef,
  type DecimalShape,
  type Derivation,
  LakeType,
  type WarehouseColumn,
} from './types';

interface ColumnOptions {
  nullable?: boolean;
  references?: string;
}

function column(
  name: string,
  sql: string,
  lake: LakeType,
  derive: Derivation,
  description: string,
  options: ColumnOptions = {},
  decimal?: DecimalShape,
): WarehouseColumn {
  return {
    name,
    sql,
    lake,
    ...(decimal ? { decimal } : {}),
    derive,
    description,
    nullable: options.nullable ?? false,
    ...(options.references ? { references: options.references } : {}),
  };
}

/** Column builders: each names the warehouse type and how the value is derived, once. */
export const wh = {
  int: (name: string, from: ColumnRef, description: string, options?: ColumnOptions) =>
    column(name, 'integer', LakeType.int32, { kind: 'copy', from }, description, options),
  text: (name: string, from: ColumnRef, description: string, options?: ColumnOptions) =>
    column(name, 'varchar', LakeType.string, { kind: 'copy', from }, description, options),
  money: (name: string, from: ColumnRef, description: string) => {
    const type = numeric(10, 2);
    return column(name, type.sql, type.lake, { kind: 'copy', from }, description, {}, type.decimal);
  },
  bool: (name: string, from: ColumnRef, description: string) =>
    column(name, 'boolean', LakeType.boolean, { kind: 'copy', from }, description),
  /** The date part of a source timestamp. */
  datePart: (name: string, from: ColumnRef, description: string) =>
    column(name, 'date', LakeType.date, { kind: 'datePart', from }, description, { references: 'dim_date' }),
  /** The time part of a source timestamp, milliseconds kept. */
  timePart: (name: string, from: ColumnRef, description: string) =>
    column(name, 'time(3)', LakeType.time, { kind: 'timePart', from }, description),
  /** A `YYYY-MM-DD` text column of the source, cast to a date. */
  parseDate: (name: string, from: ColumnRef, description: string) =>
    column(name, 'date', LakeType.date, { kind: 'parseDate', from }, description, { references: 'dim_date' }),
  currencyName: (name: string, from: ColumnRef, description: string) =>
    column(name, 'varchar', LakeType.string, { kind: 'currencyName', from }, description),
  calendar: (name: string, part: CalendarPart, sql: string, lake: LakeType, description: string) =>
    column(name, sql, lake, { kind: 'calendar', part }, description),
} as const;
