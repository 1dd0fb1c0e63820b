import type { LakeColumn, Row } from '@totes/model';
import {
  type DataType,
  DateDay,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  tableToIPC,
} from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { rowsOf } from './column-batch';
import { InvalidLakeValueError } from './errors';
import { encodeParquet } from './parquet-codec';
import { decodeParquetColumns } from './parquet-columns';

const id: LakeColumn = { name: 'id', lake: 'int32', nullable: false };
const name: LakeColumn = { name: 'name', lake: 'string', nullable: true };
const day: LakeColumn = { name: 'day', lake: 'date', nullable: true };

const rowsOfIds = (count: number): Row[] =>
  Array.from({ length: count }, (_, index) => ({
    id: index,
    name: index % 7 === 0 ? null : `n${index}`,
    day: null,
  }));

/** A Parquet part written by plain Arrow, so it can hold values the lake's own encoder refuses. */
function partOf(field: string, type: DataType, values: Int32Array | BigInt64Array): Uint8Array {
  const fields = [new Field(field, type, true)];
  const schema = new Schema(fields);
  const child = makeData({ type, length: values.length, nullCount: 0, data: values } as never);
  const data = makeData({ type: new Struct(fields), length: values.length, nullCount: 0, children: [child] });
  const ipc = tableToIPC(new Table(schema, new RecordBatch(schema, data)), 'stream');
  return writeParquet(WasmTable.fromIPCStream(ipc));
}

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('decodeParquetColumns', () => {
  it('gives one batch of the columns asked for, in their order, each as Arrow data of the batch length', () => {
    const rows = rowsOfIds(20);
    const bytes = encodeParquet([id, name, day], rows);

    const batches = decodeParquetColumns(bytes, [name, id]);

    expect(batches).toHaveLength(1);
    expect(batches[0]!.length).toBe(20);
    expect(batches[0]!.columns.map((vector) => [vector.column.name, vector.data?.length])).toEqual([
      ['name', 20],
      ['id', 20],
    ]);
    expect(rowsOf(batches[0]!)).toEqual(rows.map((row) => ({ name: row.name, id: row.id })));
  });

  it('gives a column declared absentAsNull that the part does not hold as no data: all nulls', () => {
    const bytes = encodeParquet([id], [{ id: 1 }]);
    const deletedAt: LakeColumn = {
      name: '_deleted_at',
      lake: 'timestamp',
      nullable: true,
      absentAsNull: true,
    };

    const [batch] = decodeParquetColumns(bytes, [id, deletedAt]);

    expect(batch!.columns[1]).toEqual({ column: deletedAt, data: null });
    expect(rowsOf(batch!)).toEqual([{ id: 1, _deleted_at: null }]);
  });

  it('gives no batch for a part with no rows', () => {
    expect(decodeParquetColumns(encodeParquet([id], []), [id])).toEqual([]);
  });

  it('splits a part of more than 65,536 rows into batches that together hold every row in order', () => {
    const rows = rowsOfIds(70_000);
    const bytes = encodeParquet([id, name, day], rows);

    const batches = decodeParquetColumns(bytes, [id, name, day]);

    expect(batches.map((batch) => batch.length)).toEqual([65_536, 4_464]);
    expect(batches.flatMap(rowsOf)).toEqual(rows);
  });

  it('gives batches in memory of their own: decoding another part leaves them intact', () => {
    const first = rowsOfIds(1_000);
    const batches = decodeParquetColumns(encodeParquet([id, name], first), [id, name]);

    // A large part grows parquet-wasm's memory, which detaches any view of the old one.
    const large = rowsOfIds(200_000).map((row) => ({ ...row, name: `${row.name ?? ''}${'x'.repeat(40)}` }));
    decodeParquetColumns(encodeParquet([id, name], large), [id, name]);

    expect(batches.flatMap(rowsOf)).toEqual(first.map((row) => ({ id: row.id, name: row.name })));
  });

  it.each([
    ['a date after 9999-12-31', 'day', new DateDay(), new Int32Array([1, 3_000_000]), '3000000'],
    [
      'a timestamp after 9999-12-31',
      'at',
      new TimestampMillisecond(),
      new BigInt64Array([0n, 300_000_000_000_000n]),
      '300000000000000',
    ],
  ] as const)('refuses %s, naming the column and row', (_behaviour, field, type, values, shown) => {
    const column: LakeColumn = { name: field, lake: field === 'day' ? 'date' : 'timestamp', nullable: true };

    const error = captureError(() => decodeParquetColumns(partOf(field, type, values), [column], 'p-1'));

    expect(error).toBeInstanceOf(InvalidLakeValueError);
    expect(error).toMatchObject({ part: 'p-1', column: field, row: 1 });
    expect(String(error)).toContain(`${shown} is out of range`);
  });
});
