import type { LakeColumn } from '@totes/model';
import { type Data, type DataType, Field, makeData, Type } from 'apache-arrow';
import type { ColumnBatch, LakeVector } from './column-batch';
import { InvalidLakeValueError } from './errors';
import { writeDecimal } from './lake-decimals';
import { writeTable } from './parquet-codec';
import { arrowTypeOf } from './parquet-types';

/**
 * Encodes a column batch as one Parquet file (Snappy), with its columns' names, types and nullability, straight from
 * its Arrow data: no row is made. A column held in another form than its declared type is converted (a decimal
 * read as text from an older part, or of a narrower precision); a column the batch does not hold is written as
 * nulls.
 *
 * @param part names the file in errors.
 * @throws {@link InvalidLakeValueError} when a non-nullable column holds a null, or a value does not fit its column.
 */
export function encodeColumnBatch(batch: ColumnBatch, part = 'new Parquet part'): Uint8Array {
  return writeTable(fieldsOf(batch), declaredColumns(batch, part), batch.length);
}

/** The Parquet fields of a batch's columns: their names, declared types and nullability. */
export function fieldsOf(batch: ColumnBatch): Field[] {
  return batch.columns.map(({ column }) => new Field(column.name, arrowTypeOf(column), column.nullable));
}

/**
 * The batch's columns as Arrow data of their declared types, checked and converted as {@link encodeColumnBatch}
 * says: ready to be written whole, or sliced (Arrow's `Data.slice`) into parts.
 */
export function declaredColumns(batch: ColumnBatch, part: string): Data[] {
  return batch.columns.map((vector) => declaredData(vector, arrowTypeOf(vector.column), batch.length, part));
}

function declaredData(vector: LakeVector, type: DataType, length: number, part: string): Data {
  const { column, data } = vector;
  if (!data) {
    if (!column.nullable) fail(column, 0, part, 'is missing but the column is not nullable');
    return nulls(type, length);
  }
  checkNulls(column, data, part);
  if (String(data.type) === String(type)) return data;
  if (type.typeId === Type.Decimal && data.type.typeId === Type.Decimal)
    return makeData({ ...dataProps(data), type } as never); // a narrower precision of the same scale
  if (type.typeId === Type.Decimal && data.type.typeId === Type.Utf8)
    return decimalOfText(column, data, part);
  return fail(column, 0, part, `is ${String(data.type)}, not ${String(type)}`);
}

function dataProps(data: Data) {
  return {
    length: data.length,
    offset: data.offset,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    data: data.values,
  };
}

function checkNulls(column: LakeColumn, data: Data, part: string): void {
  if (column.nullable || data.nullCount === 0 || !data.nullBitmap?.length) return;
  for (let index = 0; index < data.length; index++) {
    const bit = data.offset + index;
    if ((data.nullBitmap[bit >> 3]! & (1 << (bit & 7))) === 0)
      fail(column, index, part, 'is null but the column is not nullable');
  }
}

// Decimal text (parts written before decimals had a shape) as the Decimal128 of the column's shape.
function decimalOfText(column: LakeColumn, data: Data, part: string): Data {
  const shape = column.decimal;
  if (!shape) return fail(column, 0, part, 'is decimal text, but the column has no decimal shape');
  const words = new Uint32Array(4 * data.length);
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < data.length; index++) {
    const at = data.offset + index;
    const value = text.toString('latin1', offsets[at] as number, offsets[at + 1] as number);
    const isNull = data.nullCount > 0 && (data.nullBitmap![at >> 3]! & (1 << (at & 7))) === 0;
    if (!isNull && !writeDecimal(value, shape, words, index))
      fail(column, index, part, `"${value}" does not fit decimal(${shape.precision},${shape.scale})`);
  }
  const type = arrowTypeOf(column);
  return makeData({
    type,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    data: words,
  } as never);
}

// A column of `length` nulls, with empty buffers of the type's layout.
function nulls(type: DataType, length: number): Data {
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  const props = { type, length, nullCount: length, nullBitmap };
  switch (type.typeId) {
    case Type.Utf8:
      return makeData({
        ...props,
        valueOffsets: new Int32Array(length + 1),
        data: new Uint8Array(0),
      } as never);
    case Type.Decimal:
      return makeData({ ...props, data: new Uint32Array(4 * length) } as never);
    case Type.Timestamp:
      return makeData({ ...props, data: new BigInt64Array(length) } as never);
    case Type.Bool:
      return makeData({ ...props, data: new Uint8Array((length + 7) >> 3) } as never);
    default:
      return makeData({ ...props, data: new Int32Array(length) } as never);
  }
}

function fail(column: LakeColumn, row: number, part: string, reason: string): never {
  throw new InvalidLakeValueError(part, column.name, row, reason);
}
