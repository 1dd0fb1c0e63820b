import type { LakeColumn } from '@totes/model';
import {
  type Data,
  type DataType,
  type DateDay,
  DateUnit,
  type Decimal,
  type Int32,
  type Schema,
  type TimeMillisecond,
  type TimestampMillisecond,
  TimeUnit,
  Type,
} from 'apache-arrow';
import { parseSchema, parseTable } from 'arrow-js-ffi';
// The node build loads its wasm synchronously on import: no init call, unlike the esm build.
import { readParquet, readSchema, wasmMemory } from 'parquet-wasm/node';
import type { ColumnBatch, LakeVector } from './column-batch';
import { CorruptLakeObjectError, InvalidLakeValueError, LakeSchemaMismatchError } from './errors';
import { isDayInRange, isEpochMsInRange, isTimeInRange } from './lake-values';
import { arrowTypeOf } from './parquet-types';

// Arrow batches handed over from wasm; larger than the default 1024 so a part crosses in a few batches.
const readBatchSize = 65_536;
const twoTo32 = 2 ** 32;

/**
 * Decodes a Parquet file into column batches holding exactly `columns`, in that order: one batch per Arrow record
 * batch (a part of the lake's size is one). Extra columns in the file are ignored (and not read). The Arrow
 * buffers are copied out of parquet-wasm's memory through the Arrow C data interface (arrow-js-ffi), not
 * serialised to IPC and parsed again, and the wasm table is freed before this returns: a batch is plain JS
 * memory, safe to hold across awaits.
 *
 * @param part names the file in errors.
 * @throws {@link LakeSchemaMismatchError} when a column is missing or has another type.
 * @throws {@link CorruptLakeObjectError} when the bytes are not a readable Parquet file.
 * @throws {@link InvalidLakeValueError} when a non-nullable column holds a null, or a value is out of range.
 */
export function decodeParquetColumns(
  bytes: Uint8Array,
  columns: readonly LakeColumn[],
  part = '(in-memory bytes)',
): ColumnBatch[] {
  const schema = readArrowSchema(bytes, part);
  // A column the model declares absentAsNull and the part does not hold reads as nulls: it was added later.
  const absent = new Set(
    columns
      .filter((column) => column.absentAsNull && !schema.fields.some((field) => field.name === column.name))
      .map((column) => column.name),
  );
  const present = columns.filter((column) => !absent.has(column.name));
  for (const column of present) checkColumn(schema, column, part);
  if (present.length === 0) return [];

  const batches = readBatches(bytes, present, part);
  let base = 0;
  return batches.map(({ length, children }) => {
    const vectors = columns.map((column): LakeVector => {
      const data = children.get(column.name) ?? null;
      if (data) checkValues(column, data, base, part);
      return { column, data };
    });
    base += length;
    return { length, columns: vectors };
  });
}

function readBatches(
  bytes: Uint8Array,
  present: readonly LakeColumn[],
  part: string,
): { length: number; children: Map<string, Data> }[] {
  try {
    // intoFFI consumes the wasm table; the stream it gives is freed once its buffers are copied out.
    const stream = readParquet(bytes, {
      columns: present.map((column) => column.name),
      batchSize: readBatchSize,
    }).intoFFI();
    try {
      // Read the memory's buffer only now: reading the file may have grown (and so replaced) it.
      const table = parseTable(wasmMemory().buffer, stream.arrayAddrs(), stream.schemaAddr(), true);
      return table.batches.map((batch) => {
        const children = new Map<string, Data>();
        batch.schema.fields.forEach((field, index) => {
          const data = batch.data.children[index] as Data;
          // arrow-js-ffi 0.4 copies a buffer from its start: an array with an offset would be misread.
          if (data.offset !== 0) throw new Error(`column ${field.name} has offset ${data.offset}`);
          children.set(field.name, data);
        });
        return { length: batch.numRows, children };
      });
    } finally {
      stream.free();
    }
  } catch (cause) {
    throw new CorruptLakeObjectError(part, { cause });
  }
}

/** The file's Arrow schema, read from its footer through the C data interface. */
export function readArrowSchema(bytes: Uint8Array, part: string): Schema {
  try {
    const ffi = readSchema(bytes).intoFFI();
    try {
      return parseSchema(wasmMemory().buffer, ffi.addr());
    } finally {
      ffi.free();
    }
  } catch (cause) {
    throw new CorruptLakeObjectError(part, { cause });
  }
}

// The checks every consumer relies on, once per column: no null where none may be, and temporal values that the
// lake's text forms can hold.
function checkValues(column: LakeColumn, data: Data, base: number, part: string): void {
  const fail = (index: number, reason: string): never => {
    throw new InvalidLakeValueError(part, column.name, base + index, reason);
  };
  const valid = (index: number) => {
    const bit = data.offset + index;
    return (data.nullBitmap![bit >> 3]! & (1 << (bit & 7))) !== 0;
  };
  const hasNulls = data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.length > 0;
  if (hasNulls && !column.nullable) {
    for (let index = 0; index < data.length; index++)
      if (!valid(index)) fail(index, 'is null but the column is not nullable');
  }
  const inRange = column.lake === 'date' ? isDayInRange : column.lake === 'time' ? isTimeInRange : undefined;
  if (inRange) {
    const values = data.values as Int32Array;
    for (let index = 0; index < data.length; index++) {
      const value = values[data.offset + index] as number;
      if (!inRange(value) && !(hasNulls && !valid(index))) fail(index, `${value} is out of range`);
    }
  } else if (column.lake === 'timestamp') {
    const values = data.values as BigInt64Array;
    const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let index = 0; index < data.length; index++) {
      const at = 2 * (data.offset + index);
      const ms = (halves[at + 1] as number) * twoTo32 + ((halves[at] as number) >>> 0);
      if (!isEpochMsInRange(ms) && !(hasNulls && !valid(index))) fail(index, `${ms} is out of range`);
    }
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

// Large strings are the same text, as other writers (pyarrow) may produce them; arrow-js-ffi hands them over with
// 32-bit offsets.
function isText(found: DataType): boolean {
  return found.typeId === Type.Utf8 || found.typeId === Type.LargeUtf8;
}
