import type { ChangeWindow } from '@totes/contracts';
import { makeTempFolder, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { type Row, type SourceTable, sourceTables } from '@totes/model';
import {
  type ColumnBatch,
  createLake,
  createPool,
  type Lake,
  lakeTypes,
  readChangeWindow,
  rowsOf,
  type SourceHorizon,
  SourceSchemaMismatchError,
} from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A table of every type a source column may read from, with edge values, beside the generated totesys tables.
const edgeTable: SourceTable = {
  name: 'edge_values',
  description: 'Every source type, with edge values.',
  primaryKey: 'edge_values_id',
  cursor: 'last_updated',
  columns: [
    { name: 'edge_values_id', sql: 'integer', lake: 'int32', nullable: false },
    { name: 'small', sql: 'smallint', lake: 'int32', nullable: true },
    {
      name: 'money',
      sql: 'numeric(10,2)',
      lake: 'decimal',
      decimal: { precision: 10, scale: 2 },
      nullable: true,
    },
    {
      name: 'wide',
      sql: 'numeric(38,10)',
      lake: 'decimal',
      decimal: { precision: 38, scale: 10 },
      nullable: true,
    },
    { name: 'loose', sql: 'numeric', lake: 'decimal', nullable: true },
    { name: 'label', sql: 'text', lake: 'string', nullable: true },
    { name: 'code', sql: 'varchar(3)', lake: 'string', nullable: true },
    { name: 'padded', sql: 'char(4)', lake: 'string', nullable: true },
    { name: 'kind', sql: 'edge_kind', lake: 'string', nullable: true },
    { name: 'flag', sql: 'boolean', lake: 'boolean', nullable: true },
    { name: 'day', sql: 'date', lake: 'date', nullable: true },
    { name: 'at', sql: 'time(3)', lake: 'time', nullable: true },
    { name: 'last_updated', sql: 'timestamp(3)', lake: 'timestamp', nullable: false },
  ],
};

const edgeDdl = `
  CREATE TYPE edge_kind AS ENUM ('SALE', 'PURCHASE');
  CREATE TABLE edge_values (
    edge_values_id integer PRIMARY KEY, small smallint, money numeric(10,2), wide numeric(38,10), loose numeric,
    label text, code varchar(3), padded char(4), kind edge_kind, flag boolean, day date, at time(3),
    last_updated timestamp(3) NOT NULL);
  INSERT INTO edge_values VALUES
    (1, 0, 0, 0, 0, '', '', '', 'SALE', false, '2000-01-01', '00:00:00', '2024-11-15 09:30:00.001'),
    (2, -32768, -99999999.99, -1234567890123456789012345678.0123456789, -0.000100, 'Tote ü 🎒', 'GBP', 'ab',
     'PURCHASE', true, '1999-12-31', '23:59:59.999', '2024-11-15 09:30:00.999'),
    (3, 32767, 99999999.99, 9999999999999999999999999999.9999999999, 123456789012345678901234567890.5, 'a\tb',
     'EUR', 'abcd', 'SALE', true, '0001-01-01', '24:00:00', '1999-12-31 23:59:59.999'),
    (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-11-15 09:30:00.001'),
    (5, 7, 0.01, -0.0000000001, 1e-20, repeat('x', 5000), 'USD', 'a', 'PURCHASE', false, '9999-12-31',
     '12:00:00.5', '9999-12-31 23:59:59.999'),
    (6, -1, -0.01, 1, -7, 'z', 'JPY', 'zz', 'SALE', NULL, '1970-01-01', '00:00:00.001', '1970-01-01 00:00:00');`;

// The edges of money and of timestamps in the generated tables: zero, negative, the widest, milliseconds.
const totesysEdges = `
  INSERT INTO sales_order (design_id, staff_id, counterparty_id, units_sold, unit_price, currency_id,
    agreed_delivery_date, agreed_payment_date, agreed_delivery_location_id, created_at, last_updated)
  SELECT design_id, staff_id, counterparty_id, units_sold, price, currency_id, agreed_delivery_date,
         agreed_payment_date, agreed_delivery_location_id, stamp, stamp
  FROM (SELECT * FROM sales_order ORDER BY sales_order_id LIMIT 1) AS one,
       (VALUES (0.00, '2024-11-15 09:30:00.001'::timestamp), (-12.34, '2024-11-15 09:30:00.999'),
               (99999999.99, '2024-11-15 09:30:00.5'), (-99999999.99, '2024-11-16 00:00:00')) AS edge (price, stamp);`;

const everything: ChangeWindow = { after: null, rereadFrom: null, upTo: '9999-12-31T23:59:59.999' };

describe('the window read as a binary COPY into column batches', () => {
  let postgres: TestPostgres;
  let pool: pg.Pool;
  let lake: Lake;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('totesys');
    await seedTotesys(postgres.url('totesys'), { seed: 12, scale: 0.1 });
    pool = createPool(postgres.url('totesys'), { max: 2 });
    await pool.query(totesysEdges);
    await pool.query(edgeDdl);
    lake = createLake(`file://${await makeTempFolder('totes-window-columns-')}`);
  });
  afterAll(async () => {
    await pool?.end();
    await postgres?.dispose();
  });

  /** The window's rows as the row path read them: the same SELECT, parsed by the lake's type parsers. */
  async function rowsBySql(table: SourceTable, where = 'TRUE', values: unknown[] = []): Promise<Row[]> {
    const columns = table.columns.map((column) => `"${column.name}"`).join(', ');
    const { rows } = await pool.query<Row>({
      text: `SELECT ${columns} FROM "${table.name}" WHERE ${where} ORDER BY last_updated, "${table.primaryKey}"`,
      values,
      types: lakeTypes,
    });
    return rows;
  }

  async function readAll(table: SourceTable, window = everything, batchSize = 1000): Promise<ColumnBatch[]> {
    const batches: ColumnBatch[] = [];
    for await (const batch of readChangeWindow(pool, table, window, batchSize)) batches.push(batch);
    return batches;
  }

  it.each([...sourceTables, edgeTable].map((table) => [table.name, table] as const))(
    'reads %s as the values the row path read, nulls and edge values included',
    async (_name, table) => {
      const expected = await rowsBySql(table);

      const batches = await readAll(table);

      expect(batches.flatMap(rowsOf)).toEqual(expected);
      expect(batches.every((batch) => batch.length <= 1000)).toBe(true);
    },
  );

  it.each([...sourceTables, edgeTable].map((table) => [table.name, table] as const))(
    'writes %s as the very Parquet parts the row path wrote: the same schema, values and bytes',
    async (_name, table) => {
      const byRows = await lake.writeDataset(
        `raw/rows/${table.name}`,
        table.columns,
        [await rowsBySql(table)],
        {
          rowsPerPart: 1000,
        },
      );

      const byColumns = await lake.writeColumns(
        `raw/columns/${table.name}`,
        table.columns,
        readChangeWindow(pool, table, everything, 1000),
      );

      expect(byColumns.rows).toBe(byRows.rows);
      expect(byColumns.parts.length).toBe(byRows.parts.length);
      for (const [index, part] of byColumns.parts.entries())
        expect(Buffer.from(await lake.store.get(part))).toEqual(
          Buffer.from(await lake.store.get(byRows.parts[index]!)),
        );
    },
  );

  it('reads only the rows after the watermark, or after rereadFrom, up to the window end', async () => {
    const table = sourceTables.find((candidate) => candidate.name === 'sales_order')!;
    const all = await rowsBySql(table);
    const middle = all[Math.floor(all.length / 2)]!;
    const after = { lastUpdated: String(middle.last_updated), id: Number(middle.sales_order_id) };
    const upTo = String(all[all.length - 3]!.last_updated);

    const afterWatermark = (await readAll(table, { after, rereadFrom: null, upTo })).flatMap(rowsOf);
    const reread = (await readAll(table, { after, rereadFrom: after.lastUpdated, upTo })).flatMap(rowsOf);

    expect(afterWatermark).toEqual(
      await rowsBySql(
        table,
        '(last_updated, sales_order_id) > ($1::timestamp, $2::integer) AND last_updated <= $3::timestamp',
        [after.lastUpdated, after.id, upTo],
      ),
    );
    expect(reread).toEqual(
      await rowsBySql(table, 'last_updated > $1::timestamp AND last_updated <= $2::timestamp', [
        after.lastUpdated,
        upTo,
      ]),
    );
    expect(afterWatermark.length).toBeGreaterThan(0);
  });

  it("reports the source's clock before the first batch, from the read's own snapshot", async () => {
    const reports: SourceHorizon[] = [];
    const reportsAtEachBatch: number[] = [];
    const horizon = { marginMs: 60_000, report: (found: SourceHorizon) => reports.push(found) };

    for await (const _batch of readChangeWindow(pool, edgeTable, everything, 2, horizon))
      reportsAtEachBatch.push(reports.length);

    expect(reportsAtEachBatch).toEqual([1, 1, 1]);
    // Of the window's rows, only the one stamped 9999-12-31 is after the source's clock.
    expect(reports[0]?.held.rows).toBe(1);
  });

  it('leaves the pool able to read again after a read abandoned half-way through its COPY', async () => {
    const table = sourceTables.find((candidate) => candidate.name === 'payment')!;
    const single = createPool(postgres.url('totesys'), { max: 1 });
    try {
      for await (const _batch of readChangeWindow(single, table, everything, 10)) break;

      const batches: ColumnBatch[] = [];
      for await (const batch of readChangeWindow(single, table, everything)) batches.push(batch);

      const { rows } = await single.query<{ n: number }>('SELECT count(*)::integer AS n FROM payment');
      expect(batches.reduce((sum, batch) => sum + batch.length, 0)).toBe(rows[0]?.n);
    } finally {
      await single.end();
    }
  });

  it('refuses a column whose live type does not read as its lake type, naming both', async () => {
    const retyped: SourceTable = {
      ...edgeTable,
      columns: edgeTable.columns.map((column) =>
        column.name === 'label' ? { ...column, lake: 'int32' as const } : column,
      ),
    };

    await expect(readAll(retyped)).rejects.toThrow(SourceSchemaMismatchError);
    await expect(readAll(retyped)).rejects.toThrow(
      /column label is text, which the extractor cannot read as int32/,
    );
  });
});
