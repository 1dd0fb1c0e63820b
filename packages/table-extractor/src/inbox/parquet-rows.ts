import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Row, SourceTable } from '@totes/model';
import { createGate, isValidAt, readDecimal } from '@totes/runtime';
import type { Data, DataType, Decimal, RecordBatch, Schema, Timestamp, Vector } from 'apache-arrow';
import { DateUnit, TimeUnit, Type } from 'apache-arrow';
import { parseRecordBatch, parseSchema } from 'arrow-js-ffi';
// The node build loads its wasm synchronously on import: no init call, unlike the esm build.
import { ParquetFile, wasmMemory } from 'parquet-wasm/node';
import { InboxFileProblemError } from '../errors';
import type { FileValue, InstantUnit } from './coerce';
import { batchRows, matchColumns, rescue, rowOf } from './record-rows';
import { failOnReject, jsonRecord, type OnReject, rejectRecord } from './rejects';

const units: Record<number, InstantUnit> = {
  [TimeUnit.SECOND]: 's',
  [TimeUnit.MILLISECOND]: 'ms',
  [TimeUnit.MICROSECOND]: 'us',
  [TimeUnit.NANOSECOND]: 'ns',
};
const utcZones = new Set(['UTC', 'Etc/UTC', 'Z', '+00:00']);
const msPerDay = 86_400_000;

/**
 * The rows of a table from a Parquet file's (decompressed) bytes. A Parquet file is read from its end (the footer
 * says where each row group is), so the bytes are first written to a temporary file, which is then read one row
 * group at a time, in batches of {@link batchRows}, only the columns the catalog knows: memory holds one row group's
 * compressed columns and one batch, whatever the file's size. Columns are matched by name (those the catalog does
 * not know kept in `_rescued`, when of a plain type); each value is coerced
 * exactly from the file's type, loose as pandas writes them (int64 keys, float64 prices, `timestamp[ns]`); a row with
 * a value that cannot be goes to `onReject` (by default, a problem of the file), with its values as JSON.
 */
export async function* rowsOfParquet(
  table: SourceTable,
  bytes: AsyncIterable<Uint8Array>,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
  onReject: OnReject = failOnReject,
): AsyncGenerator<Row[]> {
  const folder = await mkdtemp(join(tmpdir(), 'totes-inbox-'));
  try {
    const path = join(folder, 'file.parquet');
    await pipeline(bytes, createWriteStream(path));
    yield* rowsOfParquetFile(table, path, onUnknownColumns, onReject);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function* rowsOfParquetFile(
  table: SourceTable,
  path: string,
  onUnknownColumns: (columns: readonly string[]) => void,
  onReject: OnReject,
): AsyncGenerator<Row[]> {
  yield* rowsOfParquetBlob(table, await openAsBlob(path), onUnknownColumns, onReject);
}

/** A row group of a Parquet file, as its footer describes it. */
export interface RowGroupSize {
  readonly rows: number;
  readonly compressedBytes: number;
}

/** Which row groups of a file to read (contiguous, in order), from the footer's row groups. */
export type RowGroupChoice = (groups: readonly RowGroupSize[]) => number[];

/**
 * The rows of a table from a Parquet file that a Blob gives (read in slices as the reader asks: a file on disk, or
 * ranged GETs of an object), as {@link rowsOfParquet} reads them; only the row groups `choose` picks, when given.
 * Rows are numbered by their place in the file, whichever groups are read.
 */
export async function* rowsOfParquetBlob(
  table: SourceTable,
  blob: Blob,
  onUnknownColumns: (columns: readonly string[]) => void = () => {},
  onReject: OnReject = failOnReject,
  choose?: RowGroupChoice,
): AsyncGenerator<Row[]> {
  const exit = await parquetReaders.enter();
  try {
    yield* rowsOfOpenedParquet(table, blob, onUnknownColumns, onReject, choose);
  } finally {
    exit();
  }
}

/**
 * One Parquet file read at a time in a process: parquet-wasm's memory grows to what its readers hold at once (a row
 * group's column chunks each) and never shrinks, so two pieces read at once would keep twice that for good.
 */
const parquetReaders = createGate(1);

async function* rowsOfOpenedParquet(
  table: SourceTable,
  blob: Blob,
  onUnknownColumns: (columns: readonly string[]) => void,
  onReject: OnReject,
  choose: RowGroupChoice | undefined,
): AsyncGenerator<Row[]> {
  const file = await unreadable(async () => ParquetFile.fromFile(blob));
  try {
    const schema = unreadable(() => {
      const ffi = file.schema().intoFFI();
      try {
        return parseSchema(wasmMemory().buffer, ffi.addr());
      } finally {
        ffi.free();
      }
    });
    const names = schema.fields.map((field) => field.name);
    const match = matchColumns(table, names, "the file's schema");
    if (match.unknown.length > 0) onUnknownColumns(match.unknown);
    const read = table.columns.filter((_column, index) => match.positions[index] !== undefined);
    checkTypes(schema, read);
    // Unknown columns are read too, to be kept in `_rescued`: those of a type Arrow reads as a plain value.
    const rescued = match.unknown.filter((name) => !typeProblem(fieldType(schema, name)));
    const groups = choose ? chosenGroups(file, choose) : undefined;
    let rowsBefore = groups?.rowsBefore ?? 0;
    const columns = [...read.map((column) => column.name), ...rescued];
    for await (const batch of recordBatches(file, columns, groups?.indexes)) {
      const rows = rowsOfBatch(table, batch, rowsBefore, onReject, rescued);
      if (rows.length > 0) yield rows;
      rowsBefore += batch.numRows;
    }
  } finally {
    file.free();
  }
}

/** The row groups `choose` picks of the file's, and the rows of the groups before the first of them. */
function chosenGroups(file: ParquetFile, choose: RowGroupChoice): { indexes: number[]; rowsBefore: number } {
  const groups = unreadable(() => {
    const metadata = file.metadata();
    try {
      return metadata.rowGroups().map((group) => {
        const size = { rows: group.numRows(), compressedBytes: group.compressedSize() };
        group.free();
        return size;
      });
    } finally {
      metadata.free();
    }
  });
  const indexes = choose(groups);
  const first = indexes[0] ?? groups.length;
  return { indexes, rowsBefore: groups.slice(0, first).reduce((sum, group) => sum + group.rows, 0) };
}

/** The file's record batches (of the row groups given, else of all), a row group at a time, out of wasm memory. */
async function* recordBatches(
  file: ParquetFile,
  columns: string[],
  rowGroups?: number[],
): AsyncGenerator<RecordBatch> {
  // With no column to read, the reader would read none of the rows either; with no group, there is none to read.
  if (columns.length === 0 || rowGroups?.length === 0) return;
  const stream = await unreadable(() =>
    file.stream({ batchSize: batchRows, columns, ...(rowGroups ? { rowGroups } : {}) }),
  );
  const reader = stream.getReader();
  try {
    for (;;) {
      const next = await unreadable(() => reader.read());
      if (next.done) return;
      yield unreadable(() => {
        const ffi = next.value.intoFFI();
        try {
          return parseRecordBatch(wasmMemory().buffer, ffi.arrayAddr(), ffi.schemaAddr(), true);
        } finally {
          ffi.free();
        }
      });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** What parquet-wasm throws while reading is a problem of the file's bytes. */
function unreadable<T>(read: () => T): T {
  const refuse = (cause: unknown): never => {
    throw new InboxFileProblemError(
      `not a readable Parquet file: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  };
  try {
    const result = read();
    return result instanceof Promise ? (result.catch(refuse) as T) : result;
  } catch (cause) {
    return refuse(cause);
  }
}

function rowsOfBatch(
  table: SourceTable,
  batch: RecordBatch,
  rowsBefore: number,
  onReject: OnReject,
  rescued: readonly string[],
): Row[] {
  const readers = table.columns.map((column) => {
    const vector = batch.getChild(column.name);
    return vector ? valueReader(vector) : undefined;
  });
  // A column the file lacks is nullable (matchColumns refused the others): NULL, not absent.
  const valueIn = (row: number, index: number) => readers[index]?.(row) ?? null;
  const rawOf = (row: number) =>
    jsonRecord(
      Object.fromEntries(
        table.columns.flatMap((column, index) =>
          readers[index] ? [[column.name, valueIn(row, index)]] : [],
        ),
      ),
    );
  const extra = rescued.map((name) => [name, batch.getChild(name) as Vector] as const);
  const rows: Row[] = [];
  for (let index = 0; index < batch.numRows; index++) {
    try {
      const row = rowOf(table, index, valueIn, 'row', rowsBefore + index + 1);
      rows.push(
        extra.length === 0
          ? row
          : rescue(
              row,
              extra.map(([name, vector]) => [name, vector.get(index)]),
            ),
      );
    } catch (error) {
      rejectRecord(error, () => rawOf(index), onReject);
    }
  }
  return rows;
}

/** Refuses, before any row is read, a column whose Parquet type no coercion reads. */
function checkTypes(schema: Schema, columns: readonly { name: string }[]): void {
  for (const { name } of columns) {
    const problem = typeProblem(fieldType(schema, name));
    if (problem) throw new InboxFileProblemError(`column ${name}: ${problem}`);
  }
}

function fieldType(schema: Schema, name: string): DataType {
  return schema.fields.find((field) => field.name === name)?.type as DataType;
}

function typeProblem(type: DataType): string | undefined {
  switch (type.typeId) {
    case Type.Null:
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Date:
    case Type.Time:
    case Type.Dictionary:
      return undefined;
    case Type.Decimal:
      return (type as Decimal).bitWidth === 128 ? undefined : `${type} is wider than the inbox reads`;
    case Type.Timestamp: {
      const zone = (type as Timestamp).timezone;
      return !zone || utcZones.has(zone)
        ? undefined
        : `timestamps in zone ${zone}: the inbox reads timestamps with no zone, or in UTC`;
    }
    default:
      return `${type} is a Parquet type the inbox does not read`;
  }
}

/** How to read the value at an index of a column, as a {@link FileValue}: null where the column holds none. */
function valueReader(vector: Vector): (index: number) => FileValue {
  const data = vector.data[0] as Data;
  const read = typedReader(vector, data);
  return (index) => (isValidAt(data, index) ? read(index) : null);
}

function typedReader(vector: Vector, data: Data): (index: number) => FileValue {
  const type = data.type as DataType;
  const at = data.offset;
  switch (type.typeId) {
    case Type.Null:
      return () => null;
    case Type.Int: {
      const values = data.values as ArrayLike<number | bigint>;
      return (index) => exactNumber(values[at + index] as number | bigint);
    }
    case Type.Timestamp: {
      const values = data.values as BigInt64Array;
      const unit = units[(type as Timestamp).unit] as InstantUnit;
      return (index) => ({ kind: 'timestamp', count: values[at + index] as bigint, unit });
    }
    case Type.Time: {
      const values = data.values as ArrayLike<number | bigint>;
      const unit = units[(type as unknown as { unit: number }).unit] as InstantUnit;
      return (index) => ({ kind: 'time', count: BigInt(values[at + index] as number | bigint), unit });
    }
    case Type.Date:
      return (type as unknown as { unit: number }).unit === DateUnit.DAY
        ? (index) => ({ kind: 'date', days: (data.values as Int32Array)[at + index] as number })
        : (index) => dateOfMs(vector.get(index) as number);
    case Type.Decimal: {
      const words = data.values as Uint32Array;
      const scale = (type as Decimal).scale;
      return (index) => readDecimal(words, at + index, scale);
    }
    default:
      // Floats, booleans, strings and dictionaries (pandas' categoricals) as Arrow reads them.
      return (index) => vector.get(index) as FileValue;
  }
}

/** An int64 as a number when a double holds it exactly, as a bigint otherwise. */
function exactNumber(value: number | bigint): number | bigint {
  if (typeof value === 'number') return value;
  return value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;
}

/** A `date64` (milliseconds) as a day when it falls on midnight, as a timestamp otherwise. */
function dateOfMs(ms: number): FileValue {
  return ms % msPerDay === 0
    ? { kind: 'date', days: ms / msPerDay }
    : { kind: 'timestamp', count: BigInt(ms), unit: 'ms' };
}
