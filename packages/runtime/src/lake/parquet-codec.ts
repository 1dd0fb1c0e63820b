import type { LakeColumn, LakeValue, Row } from '@totes/model';
import {
  Bool,
  type DataType,
  DateDay,
  DateUnit,
  Field,
  Int32,
  makeBuilder,
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

const msPerDay = 86_400_000;
// Arrow batches handed over from wasm; larger than the default 1024 so a part crosses in a few copies.
const readBatchSize = 65_536;

type LakeTypeName = LakeColumn['lake'];

/** The Arrow type each lake type is stored as in Parquet. */
export function arrowTypeOf(lake: LakeTypeName): DataType {
  switch (lake) {
    case 'int32':
      return new Int32();
    case 'string':
    case 'decimal': // canonical text: exact, and no precision/scale to agree on
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
  const fields = columns.map((column) => new Field(column.name, arrowTypeOf(column.lake), column.nullable));
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
  for (const column of columns) checkColumn(schema, column, part);

  let table: Table;
  try {
    // intoIPCStream consumes (frees) the wasm table.
    table = tableFromIPC(
      readParquet(bytes, {
        columns: columns.map((column) => column.name),
        batchSize: readBatchSize,
      }).intoIPCStream(),
    );
  } catch (cause) {
    throw new CorruptLakeObjectError(part, { cause });
  }

  const rows: Row[] = Array.from({ length: table.numRows }, () => ({}));
  for (const column of columns) {
    const vector = table.getChild(column.name);
    if (vector === null) continue; // only when the table has no rows at all
    readColumn(column, vector, rows, part);
  }
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
  const expected = arrowTypeOf(column.lake);
  const describe = `${column.lake} (${String(expected)})`;
  const field = schema.fields.find((candidate) => candidate.name === column.name);
  if (field === undefined) throw new LakeSchemaMismatchError(part, column.name, describe, 'missing');
  if (!sameType(column.lake, field.type)) {
    throw new LakeSchemaMismatchError(part, column.name, describe, String(field.type));
  }
}

// Nullability is checked on the values instead: a nullable field with no nulls reads fine as non-nullable.
function sameType(lake: LakeTypeName, found: DataType): boolean {
  switch (lake) {
    case 'int32':
      return found.typeId === Type.Int && (found as Int32).bitWidth === 32 && (found as Int32).isSigned;
    case 'string':
    case 'decimal':
      // Large strings are the same text, as other writers (pyarrow) may produce them.
      return found.typeId === Type.Utf8 || found.typeId === Type.LargeUtf8;
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

function buildColumn(column: LakeColumn, type: DataType, rows: readonly Row[], part: string) {
  const builder = makeBuilder({ type, nullValues: [null] });
  for (let index = 0; index < rows.length; index++) {
    builder.append(toArrowValue(column, rows[index]![column.name], index, part));
  }
  return builder.finish().flush();
}

function toArrowValue(column: LakeColumn, value: LakeValue | undefined, row: number, part: string) {
  const fail = (reason: string): never => {
    throw new InvalidLakeValueError(part, column.name, row, reason);
  };
  if (value === null || value === undefined) {
    return column.nullable
      ? null
      : fail(`is ${value === null ? 'null' : 'missing'} but the column is not nullable`);
  }
  switch (column.lake) {
    case 'int32':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
        ? value
        : fail(`${show(value)} is not a 32-bit integer`);
    case 'string':
      return typeof value === 'string' ? value : fail(`${show(value)} is not a string`);
    case 'decimal':
      return typeof value === 'string' && isDecimalText(value)
        ? value
        : fail(`${show(value)} is not decimal text like '12.30'`);
    case 'boolean':
      return typeof value === 'boolean' ? value : fail(`${show(value)} is not a boolean`);
    case 'timestamp':
      return (
        (typeof value === 'string' ? parseTimestamp(value) : undefined) ??
        fail(`${show(value)} is not a timestamp 'YYYY-MM-DDTHH:MM:SS.mmm'`)
      );
    case 'date': {
      // The DateDay builder takes epoch milliseconds and stores whole days.
      const days = typeof value === 'string' ? parseDate(value) : undefined;
      return days === undefined ? fail(`${show(value)} is not a date 'YYYY-MM-DD'`) : days * msPerDay;
    }
    case 'time':
      return (
        (typeof value === 'string' ? parseTime(value) : undefined) ??
        fail(`${show(value)} is not a time 'HH:MM:SS.mmm'`)
      );
  }
}

function readColumn(column: LakeColumn, vector: Vector, rows: Row[], part: string): void {
  const fromArrow = fromArrowValue(column.lake);
  let index = 0;
  for (const value of vector) {
    let lakeValue: LakeValue = null;
    if (value !== null) {
      const converted = fromArrow(value);
      if (converted === undefined) {
        throw new InvalidLakeValueError(part, column.name, index, `${show(value)} is out of range`);
      }
      lakeValue = converted;
    } else if (!column.nullable) {
      throw new InvalidLakeValueError(part, column.name, index, 'is null but the column is not nullable');
    }
    rows[index]![column.name] = lakeValue;
    index++;
  }
}

// Arrow JS gives timestamps, dates (as epoch ms) and times as numbers.
function fromArrowValue(lake: LakeTypeName): (value: unknown) => LakeValue | undefined {
  switch (lake) {
    case 'int32':
    case 'string':
    case 'decimal':
    case 'boolean':
      return (value) => value as LakeValue;
    case 'timestamp':
      return (value) => formatTimestamp(Number(value));
    case 'date':
      return (value) => formatDate(Number(value) / msPerDay);
    case 'time':
      return (value) => formatTime(Number(value));
  }
}

// Short, so a bad value helps debugging without pouring a whole row into the logs.
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
