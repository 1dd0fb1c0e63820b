import { findSourceTable, type Row, type SourceTable } from '@totes/model';
import {
  DateDay,
  Decimal,
  Dictionary,
  Float64,
  Int32,
  makeData,
  makeVector,
  TimestampMicrosecond,
  TimestampNanosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InboxFileProblemError } from '../errors';
import { looseParquet, parquetOf } from '../testing';
import { rowsOfParquet, rowsOfParquetBlob } from './parquet-rows';
import type { OnReject } from './rejects';

const salesOrder = findSourceTable('sales_order') as SourceTable;
const currency = findSourceTable('currency') as SourceTable;

/** A file's bytes handed over in chunks, as a stream gives them. */
async function* chunksOf(bytes: Uint8Array, size = 4096): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function batchesOf(
  table: SourceTable,
  bytes: Uint8Array,
  onUnknown?: (c: readonly string[]) => void,
  onReject?: OnReject,
) {
  const batches: Row[][] = [];
  for await (const batch of rowsOfParquet(table, chunksOf(bytes), onUnknown, onReject)) batches.push(batch);
  return batches;
}

const order = (id: number, changes: Row = {}): Row => ({
  sales_order_id: id,
  created_at: '2022-11-03T14:20:52.186',
  last_updated: '2022-11-03T14:20:52.190',
  design_id: 3,
  staff_id: 19,
  counterparty_id: 8,
  units_sold: 42972,
  unit_price: '3.94',
  currency_id: 2,
  agreed_delivery_date: '2022-11-07',
  agreed_payment_date: '2022-11-08',
  agreed_delivery_location_id: 8,
  ...changes,
});

describe('rowsOfParquet', () => {
  it('hands a row with a bad value to onReject, numbered from 1 across row groups, with its values as JSON', async () => {
    const rejected: Parameters<OnReject>[0][] = [];
    const file = looseParquet(salesOrder, [order(1), order(2), order(3, { unit_price: '1.005001' })], {
      rowGroupRows: 2,
    });

    const batches = await batchesOf(salesOrder, file, undefined, (reject) => rejected.push(reject));

    expect(batches.flat().map((row) => row.sales_order_id)).toEqual([1, 2]);
    expect(rejected).toEqual([
      expect.objectContaining({
        place: 'row',
        at: 3,
        column: 'unit_price',
        raw: expect.stringContaining('"unit_price":1.005001'),
      }),
    ]);
    expect(JSON.parse(rejected[0]?.raw ?? '')).toMatchObject({ sales_order_id: 3, units_sold: 42972 });
  });

  it('reads pandas-typed Parquet (int64 keys, float64 prices, timestamp[ns], text dates) exactly, a row group at a time', async () => {
    const rows = Array.from({ length: 25 }, (_, index) =>
      order(index + 1, {
        unit_price: `${index}.${String(index * 3)
          .padStart(2, '0')
          .slice(-2)}`,
      }),
    );
    const columns = salesOrder.columns.map((column) => column.name).reverse();

    const batches = await batchesOf(
      salesOrder,
      looseParquet(salesOrder, rows, { rowGroupRows: 10, columns }),
    );

    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(rows);
  });

  it('keeps a column the catalog does not know in _rescued, and says which', async () => {
    const unknown: string[] = [];

    const batches = await batchesOf(
      salesOrder,
      looseParquet(salesOrder, [order(1)], { extra: { __index_level_0__: ['0'] } }),
      (columns) => unknown.push(...columns),
    );

    expect(batches.flat()).toEqual([{ ...order(1), _rescued: '{"__index_level_0__":"0"}' }]);
    expect(unknown).toEqual(['__index_level_0__']);
  });

  it('reads decimal128, date32, timestamp[us] and nullable float64 keys, and a nullable column the file leaves out as NULL', async () => {
    const transaction = findSourceTable('transaction') as SourceTable;
    const micros = BigInt(Date.parse('2024-01-02T03:04:05.678Z')) * 1000n;
    const bytes = parquetOf({
      transaction_id: makeVector(BigInt64Array.from([5n])),
      transaction_type: vectorFromArray(['SALE'], new Utf8()),
      created_at: makeVector(
        makeData({ type: new TimestampMicrosecond(), length: 1, data: BigInt64Array.from([micros]) }),
      ),
      last_updated: vectorFromArray([new Date(Date.UTC(2024, 0, 3))], new DateDay()),
      purchase_order_id: vectorFromArray([7], new Float64()),
    });
    const price = makeData({
      type: new Decimal(2, 10, 128),
      length: 1,
      data: new Uint32Array([394, 0, 0, 0]),
    });

    const rows = (await batchesOf(transaction, bytes)).flat();
    const orders = await batchesOf(
      salesOrder,
      looseParquet(salesOrder, [order(1)], { vectors: { unit_price: makeVector(price) } }),
    );

    expect(rows).toEqual([
      {
        transaction_id: 5,
        transaction_type: 'SALE',
        sales_order_id: null,
        purchase_order_id: 7,
        created_at: '2024-01-02T03:04:05.678',
        last_updated: '2024-01-03T00:00:00.000',
      },
    ]);
    expect(orders.flat()).toEqual([order(1)]);
  });

  it('reads a dictionary-encoded text column, as pandas writes a categorical', async () => {
    const currencies = vectorFromArray(['GBP', 'EUR', 'GBP'], new Dictionary(new Utf8(), new Int32()));
    const stamps = vectorFromArray(
      [0, 1, 2].map(() => new Date(0)),
      new DateDay(),
    );

    const rows = await batchesOf(
      currency,
      parquetOf({
        currency_id: makeVector(BigInt64Array.from([1n, 2n, 3n])),
        currency_code: currencies,
        created_at: stamps,
        last_updated: stamps,
      }),
    );

    expect(rows.flat().map((row) => row.currency_code)).toEqual(['GBP', 'EUR', 'GBP']);
  });

  it.each([
    [
      'a float64 price that is no 2-place decimal',
      salesOrder,
      () => looseParquet(salesOrder, [order(1), order(2, { unit_price: '1.005001' })]),
      /^row 2, column unit_price: 1.005001 is not exactly a numeric\(10,2\) value \(the nearest is 1.01\)$/,
    ],
    [
      'an int64 out of int4 range',
      salesOrder,
      () => looseParquet(salesOrder, [order(2 ** 40)]),
      /^row 1, column sales_order_id: 1099511627776 is out of range for a 32-bit integer$/,
    ],
    [
      'a timestamp[ns] finer than a millisecond',
      currency,
      () =>
        parquetOf({
          currency_id: makeVector(BigInt64Array.from([1n])),
          currency_code: vectorFromArray(['GBP'], new Utf8()),
          created_at: makeVector(
            makeData({ type: new TimestampNanosecond(), length: 1, data: BigInt64Array.from([1_000_001n]) }),
          ),
          last_updated: vectorFromArray([new Date(0)], new DateDay()),
        }),
      /^row 1, column created_at: timestamp 1000001 ns is finer than milliseconds/,
    ],
    [
      'timestamps in a zone other than UTC',
      currency,
      () =>
        parquetOf({
          currency_id: makeVector(BigInt64Array.from([1n])),
          currency_code: vectorFromArray(['GBP'], new Utf8()),
          created_at: makeVector(
            makeData({
              type: new TimestampNanosecond('Europe/London'),
              length: 1,
              data: BigInt64Array.from([0n]),
            }),
          ),
          last_updated: vectorFromArray([new Date(0)], new DateDay()),
        }),
      /^column created_at: timestamps in zone Europe\/London/,
    ],
    [
      'a missing required column',
      salesOrder,
      () =>
        looseParquet(salesOrder, [order(1)], { columns: ['sales_order_id', 'created_at', 'last_updated'] }),
      /^the file's schema lacks required columns design_id, staff_id/,
    ],
    [
      'bytes that are not Parquet',
      salesOrder,
      () => new TextEncoder().encode('a,b\n1,2\n'),
      /^not a readable Parquet file/,
    ],
    ['an empty file', salesOrder, () => new Uint8Array(0), /^not a readable Parquet file/],
  ])('refuses %s with a reason', async (_case, table, bytes, reason) => {
    const read = batchesOf(table, bytes());

    await expect(read).rejects.toThrow(InboxFileProblemError);
    await expect(batchesOf(table, bytes())).rejects.toThrow(reason);
  });
});

describe('Parquet files read from a Blob', () => {
  const file = looseParquet(
    currency,
    [
      {
        currency_id: 1,
        currency_code: 'GBP',
        created_at: '2024-01-01T00:00:00.000',
        last_updated: '2024-01-01T00:00:00.000',
      },
      {
        currency_id: 2,
        currency_code: 'USD',
        created_at: '2024-01-01T00:00:00.000',
        last_updated: '2024-01-01T00:00:00.000',
      },
      {
        currency_id: 3,
        currency_code: 'EUR',
        created_at: '2024-01-01T00:00:00.000',
        last_updated: '2024-01-01T00:00:00.000',
      },
    ],
    { rowGroupRows: 1 },
  );

  it('reads only the row groups chosen, numbering a bad row by its place in the file', async () => {
    const orders = looseParquet(salesOrder, [order(1), order(2), order(3, { unit_price: '1.005001' })], {
      rowGroupRows: 1,
    });
    const rejected: number[] = [];
    const rows: Row[] = [];

    const chosen = rowsOfParquetBlob(
      salesOrder,
      new Blob([orders]),
      () => {},
      (reject) => rejected.push(reject.at),
      () => [1, 2],
    );
    for await (const batch of chosen) rows.push(...batch);

    expect(rows.map((row) => row.sales_order_id)).toEqual([2]);
    expect(rejected).toEqual([3]);
  });

  it('reads one file at a time in a process: a second reader waits until the first is done', async () => {
    const first = rowsOfParquetBlob(currency, new Blob([file]));
    const second = rowsOfParquetBlob(currency, new Blob([file]));
    await first.next();
    let secondStarted = false;
    const secondNext = second.next().then(() => (secondStarted = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedWhileFirstOpen = secondStarted;
    await first.return(undefined);
    await secondNext;
    await second.return(undefined);

    expect(startedWhileFirstOpen).toBe(false);
    expect(secondStarted).toBe(true);
  });
});
