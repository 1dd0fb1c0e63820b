import type { DecimalShape, LakeColumn, LakeValue, Row } from '@totes/model';
import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  DateUnit,
  Decimal,
  Field,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeMillisecond,
  TimestampMillisecond,
  TimeUnit,
  Type,
  tableFromIPC,
  tableToIPC,
  Utf8,
  type Vector,
} from 'apache-arrow';
// The node build loads its wasm synchronously on import: no init call, unlike the esm build.
import {
  Compression,
  readParquet,
  readSchema,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm/node';
import { CorruptLakeObjectError, InvalidLakeValueError, LakeSchemaMismatchError } from './errors';
import { readDecimal, writeDecimal } from './lake-decimals';
import {
  formatDate,
  formatTime,
  formatTimestamp,
  isDecimalText,
  parseDate,
  parseTime,
  parseTimestamp,
} from './lake-values';

/** The compression of every Parquet part the lake writes. */
export const parquetCompression = 'zstd' as const;

// Arrow batches handed over from wasm; larger than the default 1024 so a part crosses in a few copies.
const readBatchSize = 65_536;

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

/**
 * Encodes rows as one Parquet file (zstd), with the columns' names, types and nullability.
 *
 * @param part names the file in errors.
 * @throws {@link InvalidLakeValueError} when a value does not fit its column.
 */
export function encodeParquet(
  columns: readonly LakeColumn[],
  rows: readonly Row[],
  part = 'new Parquet part',
): Uint8Array {
  const fields = columns.map((column) => new Field(column.name, arrowTypeOf(column), column.nullable));
  const children = columns.map((column, index) => buildColumn(column, fields[index]!.type, rows, part));
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  const ipc = tableToIPC(new Table(schema, new RecordBatch(schema, data)), 'stream');

  // writeParquet consumes (frees) both the wasm table and the properties; free the table if we never get there.
  const wasmTable = WasmTable.fromIPCStream(ipc);
  let properties: ReturnType<WriterPropertiesBuilder['build']>;
  try {
    properties = new WriterPropertiesBuilder()
      .setCompression(Compression.ZSTD)
      .setCreatedBy('totes-data-platform')
      .build();
  } catch (error) {
    wasmTable.free();
    throw error;
  }
  return writeParquet(wasmTable, properties);
}

/**
 * Decodes a Parquet file into rows holding exactly `columns`, in memory form. Extra columns in the file are
 * ignored (and not read).
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
  const schema = readArrowSchema(bytes, part);
  // A column the model declares absentAsNull and the part does not hold reads as nulls: it was added later.
  const absent = columns.filter(
    (column) => column.absentAsNull && !schema.fields.some((field) => field.name === column.name),
  );
  const present = columns.filter((column) => !absent.includes(column));
  for (const column of present) checkColumn(schema, column, part);

  let table: Table;
  try {
    // intoIPCStream consumes (frees) the wasm table.
    table = tableFromIPC(
      readParquet(bytes, {
        columns: present.map((column) => column.name),
        batchSize: readBatchSize,
      }).intoIPCStream(),
    );
  } catch (cause) {
    throw new CorruptLakeObjectError(part, { cause });
  }

  const rows: Row[] = Array.from({ length: table.numRows }, () => ({}));
  for (const column of present) {
    const vector = table.getChild(column.name);
    if (vector === null) continue; // only when the table has no rows at all
    readColumn(column, vector, rows, part);
  }
  for (const column of absent) for (const row of rows) row[column.name] = null;
  return rows;
}

function readArrowSchema(bytes: Uint8Array, part: string): Schema {
  try {
    // intoIPCStream consumes (frees) the wasm schema.
    return tableFromIPC(readSchema(bytes).intoIPCStream()).schema;
  } catch (cause) {
    throw new CorruptLakeObjectError(part, { cause });
  }
}

function checkColumn(schema: Schema, column: LakeColumn, part: string): void {
  const expected = arrowTypeOf(column);
  const describe = `${column.lake} (${String(expected)})`;
  const field = schema.fields.find((candidate) => candidate.name === column.name);
  if (field === undefined) throw new LakeSchemaMismatchError(part, column.name, describe, 'missing');
  if (!sameType(column, field.type)) {
    throw new LakeSchemaMismatchError(part, column.name, describe, String(field.type));
  }
}

// Nullability is checked on the values instead: a nullable field with no nulls reads fine as non-nullable.
function sameType(column: LakeColumn, found: DataType): boolean {
  switch (column.lake) {
    case 'int32':
      return found.typeId === Type.Int && (found as Int32).bitWidth === 32 && (found as Int32).isSigned;
    case 'string':
      return isText(found);
    case 'decimal': {
      // Parts written before decimals had a shape hold the exact text: still read, or an existing lake breaks.
      if (isText(found)) return true;
      const decimal = found as Decimal;
      return (
        column.decimal !== undefined &&
        found.typeId === Type.Decimal &&
        decimal.bitWidth === 128 &&
        decimal.scale === column.decimal.scale &&
        decimal.precision <= column.decimal.precision
      );
    }
    case 'boolean':
      return found.typeId === Type.Bool;
    case 'timestamp': {
      const timestamp = found as TimestampMillisecond;
      return (
        found.typeId === Type.Timestamp && timestamp.unit === TimeUnit.MILLISECOND && !timestamp.timezone
      );
    }
    case 'date':
      return found.typeId === Type.Date && (found as DateDay).unit === DateUnit.DAY;
    case 'time': {
      const time = found as TimeMillisecond;
      return found.typeId === Type.Time && time.unit === TimeUnit.MILLISECOND && time.bitWidth === 32;
    }
  }
}

// Large strings are the same text, as other writers (pyarrow) may produce them.
function isText(found: DataType): boolean {
  return found.typeId === Type.Utf8 || found.typeId === Type.LargeUtf8;
}

// Columns are built straight into Arrow's buffers (values, validity bitmap, UTF-8 bytes and offsets), not through
// Arrow's builders: one pass per column, no per-value allocation but the strings themselves.
function buildColumn(column: LakeColumn, type: DataType, rows: readonly Row[], part: string): Data {
  const length = rows.length;
  const name = column.name;
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  const isNull = (value: LakeValue | undefined, index: number): boolean => {
    if (value !== null && value !== undefined) return false;
    if (!column.nullable)
      invalid(
        column,
        index,
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
        if (number === undefined) invalid(column, index, part, reasonOf(column, value));
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
        if (ms === undefined) invalid(column, index, part, reasonOf(column, value));
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
        if (typeof value !== 'boolean') invalid(column, index, part, reasonOf(column, value));
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
          invalid(column, index, part, reasonOf(column, value));
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
          invalid(column, index, part, reasonOf(column, value));
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

// Reads each record batch's buffers directly (values, validity, UTF-8 bytes and offsets) rather than through the
// vector's iterator.
function readColumn(column: LakeColumn, vector: Vector, rows: Row[], part: string): void {
  const name = column.name;
  let base = 0;
  for (const data of vector.data) {
    const { length, offset } = data;
    const validity = data.nullCount > 0 ? data.nullBitmap : undefined;
    const valid = (index: number): boolean => {
      if (!validity || (validity[(offset + index) >> 3]! & (1 << ((offset + index) & 7))) !== 0) return true;
      if (!column.nullable)
        throw new InvalidLakeValueError(part, name, base + index, 'is null but the column is not nullable');
      rows[base + index]![name] = null;
      return false;
    };
    const outOfRange = (index: number, value: unknown): never => {
      throw new InvalidLakeValueError(part, name, base + index, `${show(value)} is out of range`);
    };
    switch (data.typeId === Type.Decimal ? 'decimal128' : column.lake) {
      case 'int32':
      case 'date':
      case 'time': {
        const values = data.values as Int32Array;
        for (let index = 0; index < length; index++) {
          if (!valid(index)) continue;
          const raw = values[offset + index] as number;
          const value =
            column.lake === 'int32' ? raw : column.lake === 'date' ? formatDate(raw) : formatTime(raw);
          if (value === undefined) outOfRange(index, raw);
          rows[base + index]![name] = value as LakeValue;
        }
        break;
      }
      case 'timestamp': {
        const values = data.values as BigInt64Array;
        const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
        for (let index = 0; index < length; index++) {
          if (!valid(index)) continue;
          const at = 2 * (offset + index);
          const ms = (halves[at + 1] as number) * twoTo32 + ((halves[at] as number) >>> 0);
          const value = formatTimestamp(ms);
          if (value === undefined) outOfRange(index, ms);
          rows[base + index]![name] = value as LakeValue;
        }
        break;
      }
      case 'boolean': {
        const values = data.values as Uint8Array;
        for (let index = 0; index < length; index++) {
          if (!valid(index)) continue;
          const bit = offset + index;
          rows[base + index]![name] = (values[bit >> 3]! & (1 << (bit & 7))) !== 0;
        }
        break;
      }
      case 'decimal128': {
        const words = data.values as Uint32Array;
        const scale = (data.type as Decimal).scale;
        for (let index = 0; index < length; index++) {
          if (valid(index)) rows[base + index]![name] = readDecimal(words, offset + index, scale);
        }
        break;
      }
      case 'decimal': // parts written before decimals had a shape hold the text
      case 'string': {
        const offsets = data.valueOffsets as ArrayLike<number | bigint>;
        if (!(offsets instanceof Int32Array)) {
          // Large strings (64-bit offsets, from other writers): Arrow's own accessor.
          for (let index = 0; index < length; index++) {
            if (valid(index)) rows[base + index]![name] = String(vector.get(base + index));
          }
          break;
        }
        const bytes = data.values as Uint8Array;
        const start = offsets[offset] as number;
        const end = offsets[offset + length] as number;
        const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
        const text = chunk.toString('utf8');
        const ascii = text.length === chunk.length;
        for (let index = 0; index < length; index++) {
          if (!valid(index)) continue;
          const from = (offsets[offset + index] as number) - start;
          const to = (offsets[offset + index + 1] as number) - start;
          rows[base + index]![name] = ascii ? text.slice(from, to) : chunk.toString('utf8', from, to);
        }
        break;
      }
    }
    base += length;
  }
}

// Short, so a bad value helps debugging without pouring a whole row into the logs.
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
