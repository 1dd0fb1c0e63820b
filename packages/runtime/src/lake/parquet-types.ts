import type { LakeColumn } from '@totes/model';
import {
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Int32,
  TimeMillisecond,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';

/**
 * The Arrow type a column is stored as in Parquet. A decimal with a shape is Decimal128(p,s), which Parquet holds as
 * `DECIMAL(p,s)`; one without (Postgres `numeric` with no typmod) is its exact text.
 */
export function arrowTypeOf(column: Pick<LakeColumn, 'lake' | 'decimal'>): DataType {
  switch (column.lake) {
    case 'int32':
      return new Int32();
    case 'decimal':
      return column.decimal ? new Decimal(column.decimal.scale, column.decimal.precision, 128) : new Utf8();
    case 'string':
      return new Utf8();
    case 'boolean':
      return new Bool();
    case 'timestamp':
      return new TimestampMillisecond(); // no zone: the text is read as UTC
    case 'date':
      return new DateDay();
    case 'time':
      return new TimeMillisecond();
  }
}
