import { compress, init } from '@bokuweb/zstd-wasm';
import { LakeType, type Row, type SourceColumn, type SourceTable } from '@totes/model';
import {
  Bool,
  Float64,
  makeData,
  makeVector,
  Table,
  TimestampNanosecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';

/**
 * Rows of a table (in the lake's form) as a Parquet file typed loosely, the way pandas writes a DataFrame read
 * from the database: int64 for integers (float64, with nulls, for a nullable integer column), float64 for
 * numerics, `timestamp[ns]` for timestamps, text for everything else (dates included), snappy-compressed, in row
 * groups of `rowGroupRows`. `columns` orders (and may leave out) the catalog's columns; `extra` adds columns the
 * catalog does not know; `vectors` replaces a column's values with Arrow ones of any type. For tests.
 */
export function looseParquet(
  table: SourceTable,
  rows: readonly Row[],
  options: {
    rowGroupRows?: number;
    columns?: readonly string[];
    extra?: Record<string, string[]>;
    vectors?: Record<string, Vector>;
  } = {},
): Uint8Array {
  const names = options.columns ?? table.columns.map((column) => column.name);
  const vectors: Record<string, Vector> = {};
  for (const name of names) {
    const column = table.columns.find((candidate) => candidate.name === name) as SourceColumn;
    vectors[name] =
      options.vectors?.[name] ??
      looseVector(
        column,
        rows.map((row) => row[name] ?? null),
      );
  }
  for (const [name, values] of Object.entries(options.extra ?? {}))
    vectors[name] = vectorFromArray(values, new Utf8());
  const arrow = new Table(vectors);
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(options.rowGroupRows ?? 100_000)
    .build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream')), properties);
}

function looseVector(column: SourceColumn, values: readonly unknown[]): Vector {
  switch (column.lake) {
    case LakeType.int32:
      return column.nullable
        ? vectorFromArray(
            values.map((value) => (value === null ? null : Number(value))),
            new Float64(),
          )
        : makeVector(BigInt64Array.from(values, (value) => BigInt(value as number)));
    case LakeType.decimal:
      return vectorFromArray(
        values.map((value) => (value === null ? null : Number(value))),
        new Float64(),
      );
    case LakeType.boolean:
      return vectorFromArray(values as (boolean | null)[], new Bool());
    case LakeType.timestamp: {
      const nanos = BigInt64Array.from(values, (value) => BigInt(Date.parse(`${value}Z`)) * 1_000_000n);
      return makeVector(makeData({ type: new TimestampNanosecond(), length: nanos.length, data: nanos }));
    }
    default:
      return vectorFromArray(values as (string | null)[], new Utf8());
  }
}

/** A Parquet file of the given Arrow columns, as they are: for tests of types pandas does not write. */
export function parquetOf(columns: Record<string, Vector>, rowGroupRows = 100_000): Uint8Array {
  const arrow = new Table(columns);
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupRows).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream')), properties);
}

let zstdReady: Promise<void> | undefined;

/** Bytes compressed as one zstd frame. For tests. */
export async function zstd(bytes: Uint8Array, level = 3): Promise<Uint8Array> {
  zstdReady ??= init();
  await zstdReady;
  return compress(bytes, level);
}
