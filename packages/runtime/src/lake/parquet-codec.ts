import type { DecimalShape, LakeColumn, LakeValue, Row } from '@totes/model';
import {
  type Data,
  type DataType,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
} from 'apache-arrow';
// The node build loads its wasm synchronously on import: no init call, unlike the esm build.
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import { type ColumnBatch, rowsOf } from './column-batch';
import { InvalidLakeValueError } from './errors';
import { writeDecimal } from './lake-decimals';
import { isDecimalText, parseDate, parseTime, parseTimestamp } from './lake-values';
import { decodeParquetColumns } from './parquet-columns';
import { arrowTypeOf } from './parquet-types';

/**
 * The compression of every Parquet part the lake writes. Snappy, not zstd: the services are CPU-bound, and on the
 * lake's parts Snappy encodes about twice and decodes three to four times as fast as zstd, for parts about a quarter
 * larger (docs/benchmarks.md). Every engine that reads Parquet reads it; it is Spark's default.
 */
export const parquetCompression = 'snappy' as const;

/**
 * Whether the lake's parts dictionary-encode their columns: no. Building the dictionaries was most of parquet-wasm's
 * encoding time (about three times the time of a part without them, on the generated `payment`, `sales_order` and
 * `transaction` parts), and with Snappy the parts came out no larger (`payment` and `transaction` smaller,
 * `sales_order` 7 % larger): docs/benchmarks.md. Every engine reads plain pages.
 */
export const parquetDictionary = false as const;

/**
 * Encodes rows as one Parquet file ({@link parquetCompression}), with the columns' names, types and nullability.
 *
 * @param part names the file in errors.
 * @throws {@link InvalidLakeValueError} when a value does not fit its column.
 */
export function encodeParquet(
  columns: readonly LakeColumn[],
  rows: readonly Row[],
  part = 'new Parquet part',
): Uint8Array {
  return writeBatches(lakeFields(columns), [columnsOfRows(columns, rows, part)]);
}

/** The Parquet fields of columns: their names, types and nullability. */
export function lakeFields(columns: readonly LakeColumn[]): Field[] {
  return columns.map((column) => new Field(column.name, arrowTypeOf(column), column.nullable));
}

/** Rows as Arrow columns, one Data of `length` values per field: one record batch of a part. */
export interface ColumnsOfRows {
  readonly length: number;
  readonly children: readonly Data[];
}

/**
 * Rows as the Arrow columns of `columns`, checked as {@link encodeParquet} checks them: a part can be built from
 * several such batches ({@link writeBatches}), so its rows need not all be held at once.
 *
 * @param first the index of the first row within its part, for errors.
 * @throws {@link InvalidLakeValueError} when a value does not fit its column.
 */
export function columnsOfRows(
  columns: readonly LakeColumn[],
  rows: readonly Row[],
  part: string,
  first = 0,
): ColumnsOfRows {
  return {
    length: rows.length,
    children: columns.map((column) => buildColumn(column, arrowTypeOf(column), rows, part, first)),
  };
}

/** Arrow columns as one Parquet file ({@link parquetCompression}): the fields and one Data of `length` values for each. */
export function writeTable(fields: readonly Field[], children: readonly Data[], length: number): Uint8Array {
  return writeBatches(fields, [{ length, children }]);
}

/**
 * Record batches of the same fields as one Parquet file ({@link parquetCompression}): the batches follow one
 * another, as one row group while they are fewer than the writer's million rows.
 */
export function writeBatches(fields: readonly Field[], batches: readonly ColumnsOfRows[]): Uint8Array {
  const schema = new Schema([...fields]);
  const type = new Struct([...fields]);
  const records = batches.map(
    ({ length, children }) =>
      new RecordBatch(schema, makeData({ type, length, nullCount: 0, children: [...children] })),
  );
  const ipc = tableToIPC(new Table(schema, records), 'stream');

  // writeParquet consumes (frees) both the wasm table and the properties; free the table if we never get there.
  const wasmTable = WasmTable.fromIPCStream(ipc);
  let properties: ReturnType<WriterPropertiesBuilder['build']>;
  try {
    properties = new WriterPropertiesBuilder()
      .setCompression(Compression.SNAPPY)
      .setDictionaryEnabled(parquetDictionary)
      .setCreatedBy('totes-data-platform')
      .build();
  } catch (error) {
    wasmTable.free();
    throw error;
  }
  return writeParquet(wasmTable, properties);
}

/**
 * Decodes a Parquet file into rows holding exactly `columns`, in memory form: {@link decodeParquetColumns}, then
 * one object per row. Extra columns in the file are ignored (and not read).
 *
 * @param part names the file in errors.
 * @throws {@link LakeSchemaMismatchError} when a column is missing or has another type.
 * @throws {@link CorruptLakeObjectError} when the bytes are not a readable Parquet file.
 * @throws {@link InvalidLakeValueError} when a non-nullable column holds a null, or a value is out of range.
 */
export function decodeParquet(
  bytes: Uint8Array,
  columns: readonly LakeColumn[],
  part = '(in-memory bytes)',
): Row[] {
  const batches = decodeParquetColumns(bytes, columns, part);
  if (batches.length === 1) return rowsOf(batches[0] as ColumnBatch);
  return batches.flatMap(rowsOf);
}

/**
 * Rows as a {@link ColumnBatch} of `columns`, built straight into Arrow buffers (as {@link encodeParquet} builds
 * them): for tests, and for writers that hold rows.
 *
 * @param part names the rows in errors.
 * @throws {@link InvalidLakeValueError} when a value does not fit its column.
 */
export function columnBatchOf(
  columns: readonly LakeColumn[],
  rows: readonly Row[],
  part = 'rows',
): ColumnBatch {
  return {
    length: rows.length,
    columns: columns.map((column) => ({
      column,
      data: buildColumn(column, arrowTypeOf(column), rows, part, 0),
    })),
  };
}

// Columns are built straight into Arrow's buffers (values, validity bitmap, UTF-8 bytes and offsets), not through
// Arrow's builders: one pass per column, no per-value allocation but the strings themselves. `first` is the index of
// the first row within its part, for errors.
function buildColumn(
  column: LakeColumn,
  type: DataType,
  rows: readonly Row[],
  part: string,
  first: number,
): Data {
  const length = rows.length;
  const name = column.name;
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  const isNull = (value: LakeValue | undefined, index: number): boolean => {
    if (value !== null && value !== undefined) return false;
    if (!column.nullable)
      invalid(
        column,
        first + index,
        part,
        `is ${value === null ? 'null' : 'missing'} but the column is not nullable`,
      );
    if (!nullBitmap) nullBitmap = new Uint8Array((length + 7) >> 3).fill(0xff);
    nullBitmap[index >> 3]! &= ~(1 << (index & 7));
    nullCount++;
    return true;
  };
  const finish = (props: Record<string, unknown>) =>
    makeData({
      type,
      length,
      nullCount,
      nullBitmap: nullCount > 0 ? nullBitmap : undefined,
      ...props,
    } as never);

  switch (column.lake === 'decimal' && column.decimal ? 'decimal128' : column.lake) {
    case 'int32':
    case 'date':
    case 'time': {
      const data = new Int32Array(length);
      const parse = column.lake === 'date' ? parseDate : column.lake === 'time' ? parseTime : undefined;
      for (let index = 0; index < length; index++) {
        const value = rows[index]![name];
        if (isNull(value, index)) continue;
        let number: number | undefined;
        if (parse) number = typeof value === 'string' ? parse(value) : undefined;
        else if (
          typeof value === 'number' &&
          Number.isInteger(value) &&
          value >= -(2 ** 31) &&
          value < 2 ** 31
        )
          number = value;
        if (number === undefined) invalid(column, first + index, part, reasonOf(column, value));
        data[index] = number as number;
      }
      return finish({ data });
    }
    case 'timestamp': {
      // Int64 little-endian, written as two 32-bit halves: no BigInt per value.
      const halves = new Int32Array(length * 2);
      for (let index = 0; index < length; index++) {
        const value = rows[index]![name];
        if (isNull(value, index)) continue;
        const ms = typeof value === 'string' ? parseTimestamp(value) : undefined;
        if (ms === undefined) invalid(column, first + index, part, reasonOf(column, value));
        const high = Math.floor((ms as number) / twoTo32);
        halves[2 * index] = (ms as number) - high * twoTo32;
        halves[2 * index + 1] = high;
      }
      return finish({ data: new BigInt64Array(halves.buffer) });
    }
    case 'boolean': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let index = 0; index < length; index++) {
        const value = rows[index]![name];
        if (isNull(value, index)) continue;
        if (typeof value !== 'boolean') invalid(column, first + index, part, reasonOf(column, value));
        if (value) data[index >> 3]! |= 1 << (index & 7);
      }
      return finish({ data });
    }
    case 'decimal128': {
      const shape = column.decimal as DecimalShape;
      const data = new Uint32Array(length * 4);
      for (let index = 0; index < length; index++) {
        const value = rows[index]![name];
        if (isNull(value, index)) continue;
        if (typeof value !== 'string' || !writeDecimal(value, shape, data, index))
          invalid(column, first + index, part, reasonOf(column, value));
      }
      return finish({ data });
    }
    case 'decimal': // with no shape: its exact text
    case 'string': {
      const texts: string[] = new Array(length);
      const decimal = column.lake === 'decimal';
      for (let index = 0; index < length; index++) {
        const value = rows[index]![name];
        if (isNull(value, index)) {
          texts[index] = '';
          continue;
        }
        if (typeof value !== 'string' || (decimal && !isDecimalText(value)))
          invalid(column, first + index, part, reasonOf(column, value));
        texts[index] = value as string;
      }
      // One UTF-8 encoding of the whole column; when it is all ASCII, byte offsets are character offsets.
      const joined = texts.join('');
      const data = Buffer.from(joined, 'utf8');
      const valueOffsets = new Int32Array(length + 1);
      const ascii = data.length === joined.length;
      let offset = 0;
      for (let index = 0; index < length; index++) {
        const text = texts[index] as string;
        offset += ascii ? text.length : Buffer.byteLength(text, 'utf8');
        valueOffsets[index + 1] = offset;
      }
      return finish({ valueOffsets, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
    }
  }
}

const twoTo32 = 2 ** 32;

function invalid(column: LakeColumn, row: number, part: string, reason: string): never {
  throw new InvalidLakeValueError(part, column.name, row, reason);
}

function reasonOf(column: LakeColumn, value: unknown): string {
  switch (column.lake) {
    case 'int32':
      return `${show(value)} is not a 32-bit integer`;
    case 'string':
      return `${show(value)} is not a string`;
    case 'decimal':
      return column.decimal
        ? `${show(value)} is not decimal text like '12.30' that fits decimal(${column.decimal.precision},${column.decimal.scale})`
        : `${show(value)} is not decimal text like '12.30'`;
    case 'boolean':
      return `${show(value)} is not a boolean`;
    case 'timestamp':
      return `${show(value)} is not a timestamp 'YYYY-MM-DDTHH:MM:SS.mmm'`;
    case 'date':
      return `${show(value)} is not a date 'YYYY-MM-DD'`;
    case 'time':
      return `${show(value)} is not a time 'HH:MM:SS.mmm'`;
  }
}

// Short, so a bad value helps debugging without pouring a whole row into the logs.
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
