import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LakeColumn, Row } from '@totes/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from './column-batch';
import { createLake, type Lake, lakeOn } from './dataset';
import { InvalidLakeValueError, LakeObjectNotFoundError } from './errors';
import { createLocalStore } from './local-store';
import { columnBatchOf } from './parquet-codec';

const columns: readonly LakeColumn[] = [
  { name: 'sales_order_id', lake: 'int32', nullable: false },
  { name: 'unit_price', lake: 'decimal', nullable: false },
  { name: 'last_updated', lake: 'timestamp', nullable: false },
  { name: 'agreed_delivery_date', lake: 'date', nullable: true },
];

function salesRows(count: number, from = 1): Row[] {
  return Array.from({ length: count }, (_, index) => ({
    sales_order_id: from + index,
    unit_price: `${from + index}.10`,
    last_updated: new Date(Date.UTC(2024, 0, 1) + (from + index) * 1001).toISOString().slice(0, 23),
    agreed_delivery_date: index % 3 === 0 ? null : '2024-03-01',
  }));
}

async function collect(lake: Lake, parts: readonly string[]): Promise<Row[][]> {
  const batches: Row[][] = [];
  for await (const batch of lake.readDataset({ parts: [...parts] }, columns)) batches.push(batch);
  return batches;
}

describe('datasets in a local lake', () => {
  let root: string;
  let lake: Lake;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'totes-dataset-'));
    lake = createLake(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('splits 25 rows into three parts of at most 10', async () => {
    const rows = salesRows(25);

    const object = await lake.writeDataset('raw/sales_order/run-1', columns, [rows], { rowsPerPart: 10 });

    expect(object.parts).toEqual([
      'raw/sales_order/run-1/part-00000.parquet',
      'raw/sales_order/run-1/part-00001.parquet',
      'raw/sales_order/run-1/part-00002.parquet',
    ]);
    expect(object).toMatchObject({ key: 'raw/sales_order/run-1', rows: 25 });
    expect((await collect(lake, object.parts)).map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it('reads a dataset as column batches, one per part, in part order, with the columns asked for', async () => {
    const rows = salesRows(25);
    const object = await lake.writeDataset('ds', columns, [rows], { rowsPerPart: 10 });
    const wanted = [columns[2]!, columns[0]!];

    const batches = [];
    for await (const batch of lake.readColumns(object, wanted)) batches.push(batch);

    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches[0]!.columns.map((vector) => vector.column.name)).toEqual([
      'last_updated',
      'sales_order_id',
    ]);
    expect(batches.flatMap(rowsOf)).toEqual(
      rows.map((row) => ({ last_updated: row.last_updated, sales_order_id: row.sales_order_id })),
    );
  });

  it('writes column batches in parts of at most rowsPerPart, a batch sliced across parts, read back as rows', async () => {
    const rows = salesRows(25);

    const object = await lake.writeColumns(
      'cols',
      columns,
      [columnBatchOf(columns, rows.slice(0, 22)), columnBatchOf(columns, rows.slice(22))],
      {
        rowsPerPart: 10,
      },
    );

    expect(object).toMatchObject({ key: 'cols', rows: 25 });
    expect((await collect(lake, object.parts)).map((batch) => batch.length)).toEqual([10, 10, 2, 3]);
    expect(await lake.readAll(object, columns)).toEqual(rows);
  });

  it('empties the parts left over from a larger earlier write when writing columns', async () => {
    const first = await lake.writeDataset('cols', columns, [salesRows(25)], { rowsPerPart: 10 });

    const second = await lake.writeColumns('cols', columns, [columnBatchOf(columns, salesRows(5))], {
      rowsPerPart: 10,
    });

    expect(second.parts).toEqual(['cols/part-00000.parquet']);
    expect(await lake.readAll(first, columns)).toEqual(salesRows(5));
  });

  it('reads back every row in order, one batch per part', async () => {
    const rows = salesRows(25);
    const object = await lake.writeDataset('ds', columns, [rows], { rowsPerPart: 10 });

    const batches = await collect(lake, object.parts);

    expect(batches.flat()).toEqual(rows);
    expect(await lake.readAll(object, columns)).toEqual(rows);
  });

  it('re-chunks uneven incoming batches, sync or async, into full parts', async () => {
    const rows = salesRows(23);
    async function* uneven() {
      yield rows.slice(0, 3);
      yield [];
      yield rows.slice(3, 17);
      yield rows.slice(17);
    }

    const object = await lake.writeDataset('ds', columns, uneven(), { rowsPerPart: 10 });

    expect((await collect(lake, object.parts)).map((batch) => batch.length)).toEqual([10, 10, 3]);
    expect(await lake.readAll(object, columns)).toEqual(rows);
  });

  it('writes a part of more rows than it turns into columns at once whole, read back as one batch', async () => {
    const rows = salesRows(6000);

    const object = await lake.writeDataset('ds', columns, [rows.slice(0, 2500), rows.slice(2500)], {
      rowsPerPart: 5000,
    });

    expect((await collect(lake, object.parts)).map((batch) => batch.length)).toEqual([5000, 1000]);
    expect(await lake.readAll(object, columns)).toEqual(rows);
  });

  it('names a bad value by its row within its part, however the part was gathered', async () => {
    const bad = salesRows(12000);
    bad[5000 + 4500] = { ...bad[9500], last_updated: 'yesterday' };

    const written = lake.writeDataset('ds', columns, [bad.slice(0, 7000), bad.slice(7000)], {
      rowsPerPart: 5000,
    });

    await expect(written).rejects.toThrow(InvalidLakeValueError);
    await expect(written).rejects.toMatchObject({
      part: expect.stringContaining('ds/part-00001.parquet'),
      column: 'last_updated',
      row: 4500,
    });
  });

  it('reports the total bytes of the parts it wrote', async () => {
    const object = await lake.writeDataset('ds', columns, [salesRows(25)], { rowsPerPart: 10 });

    const sizes = await Promise.all(
      object.parts.map(async (part) => (await lake.store.get(part)).byteLength),
    );

    expect(object.bytes).toBe(sizes.reduce((sum, size) => sum + size, 0));
    expect(object.bytes).toBeGreaterThan(0);
  });

  it('writes each part as soon as it is full, before asking for more rows', async () => {
    const puts: string[] = [];
    const store = createLocalStore(root);
    const counting = lakeOn(
      {
        ...store,
        put: async (key, bytes) => {
          puts.push(key);
          await store.put(key, bytes);
        },
      },
      { kind: 'local', root },
    );
    const putsSeenBeforeBatch: number[] = [];
    function* batches() {
      for (let batch = 0; batch < 3; batch++) {
        putsSeenBeforeBatch.push(puts.length);
        yield salesRows(10, batch * 10 + 1);
      }
    }

    await counting.writeDataset('ds', columns, batches(), { rowsPerPart: 10 });

    expect(putsSeenBeforeBatch).toEqual([0, 1, 2]);
    expect(puts).toHaveLength(3);
  });

  it('overwrites the same parts with the same bytes when the same rows are written again', async () => {
    const first = await lake.writeDataset('ds', columns, [salesRows(25)], { rowsPerPart: 10 });
    const firstBytes = await Promise.all(first.parts.map((part) => lake.store.get(part)));

    const second = await lake.writeDataset('ds', columns, [salesRows(25)], { rowsPerPart: 10 });

    expect(second).toEqual(first);
    expect(await lake.list('ds/')).toEqual(first.parts);
    expect(await Promise.all(second.parts.map((part) => lake.store.get(part)))).toEqual(firstBytes);
  });

  it('empties the parts left over from an earlier, larger write at the same key', async () => {
    const first = await lake.writeDataset('ds', columns, [salesRows(25)], { rowsPerPart: 10 });

    const second = await lake.writeDataset('ds', columns, [salesRows(12)], { rowsPerPart: 10 });

    expect(second.parts).toEqual(['ds/part-00000.parquet', 'ds/part-00001.parquet']);
    expect(await lake.readAll(second, columns)).toEqual(salesRows(12));
    expect(await lake.readAll({ parts: ['ds/part-00002.parquet'] }, columns)).toEqual([]);
    // A message that named the first write's three parts reads the new rows, none stale, and does not fail.
    expect(await lake.readAll(first, columns)).toEqual(salesRows(12));
  });

  it('leaves alone other files under the key and datasets at sibling keys', async () => {
    await lake.writeDataset('ds', columns, [salesRows(25)], { rowsPerPart: 10 });
    await lake.writeDataset('ds2', columns, [salesRows(25)], { rowsPerPart: 10 });
    await lake.store.put('ds/_manifest.json', new TextEncoder().encode('{}'));

    await lake.writeDataset('ds', columns, [salesRows(5)], { rowsPerPart: 10 });

    expect(await lake.readAll({ parts: await lake.list('ds/part-') }, columns)).toEqual(salesRows(5));
    expect(await lake.store.get('ds/_manifest.json')).toEqual(new TextEncoder().encode('{}'));
    expect(await lake.readAll({ parts: await lake.list('ds2/') }, columns)).toEqual(salesRows(25));
  });

  it('writes zero parts for zero rows, and empties the parts of an earlier write', async () => {
    const first = await lake.writeDataset('ds', columns, [salesRows(5)]);

    const object = await lake.writeDataset('ds', columns, [[], []]);

    expect(object).toEqual({ key: 'ds', parts: [], rows: 0, bytes: 0 });
    expect(await collect(lake, object.parts)).toEqual([]);
    expect(await collect(lake, first.parts)).toEqual([[]]);
  });

  it('fills one part per 10,000 rows by default: 45,000 rows in batches of 7,000 make five parts', async () => {
    const rows = salesRows(45_000);
    const batches = Array.from({ length: 7 }, (_, index) => rows.slice(index * 7_000, (index + 1) * 7_000));

    const object = await lake.writeDataset('big', columns, batches);

    expect(object.parts).toHaveLength(5);
    expect(object.rows).toBe(45_000);
    const firstPart = await lake.readAll({ parts: [object.parts[0]!] }, columns);
    expect(firstPart).toHaveLength(10_000);
    expect(firstPart.at(-1)).toEqual(rows[9_999]);
    const lastPart = await lake.readAll({ parts: [object.parts[4]!] }, columns);
    expect(lastPart).toHaveLength(5_000);
    expect(lastPart.at(-1)).toEqual(rows.at(-1));
  });

  it('throws LakeObjectNotFoundError when a part of the dataset is missing', async () => {
    const object = await lake.writeDataset('ds', columns, [salesRows(25)], { rowsPerPart: 10 });
    await lake.store.delete(object.parts[1]!);

    const error = await lake.readAll(object, columns).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeObjectNotFoundError);
    expect(error).toMatchObject({ key: 'ds/part-00001.parquet' });
  });

  it('works with its methods detached from the lake object', async () => {
    const { writeDataset, readAll } = lake;

    const object = await writeDataset('ds', columns, [salesRows(3)]);

    expect(await readAll(object, columns)).toEqual(salesRows(3));
  });

  it('refuses a rowsPerPart that is not a positive integer', async () => {
    await expect(lake.writeDataset('ds', columns, [salesRows(1)], { rowsPerPart: 0 })).rejects.toThrow(
      RangeError,
    );
  });

  it('names the part of a corrupt object it reads', async () => {
    await lake.store.put('bad/part-00000.parquet', new TextEncoder().encode('not parquet'));

    await expect(lake.readAll({ parts: ['bad/part-00000.parquet'] }, columns)).rejects.toThrow(
      `Parquet part bad/part-00000.parquet in lake file://${root} is not a readable Parquet file`,
    );
  });
});

describe('createLake', () => {
  it('opens an s3 lake without touching the network', () => {
    const lake = createLake('s3://totes-lake/data/');

    expect(lake.url).toBe('s3://totes-lake/data');
    expect(lake.store.describe()).toBe('s3://totes-lake/data');
  });

  it('opens a local lake from a relative path', () => {
    const lake = createLake('some/lake');

    expect(lake.location).toEqual({ kind: 'local', root: join(process.cwd(), 'some/lake') });
  });
});
