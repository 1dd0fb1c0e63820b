import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  findSourceTable,
  type Row,
  type SourceTable,
  type SourceTableName,
  sourceTableNames,
  warehouseModels,
} from '@totes/model';
import { createInboxLedger, createLogger, createPool, type InboxEntry, loadConfig } from '@totes/runtime';
import { looseParquet } from '@totes/table-extractor/testing';
import { verifyWarehouse } from '@totes/verify';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../src/platform';
import { formatSummary } from '../src/run-tracker';
import { waitForDrain } from '../src/wait-for-drain';
import { startTestPlatform, type TestPlatform } from './harness';
import { exportTable } from './inbox-files';
import { pointTotesAt, totes } from './totes-command';

/**
 * The file each table of totesys is dropped as: every format (CSV as COPY writes it, JSON Lines as row_to_json
 * writes it, Parquet as pandas writes it) plain, gzipped and zstd-compressed.
 */
const fileOf: Record<SourceTableName, string> = {
  address: 'address.csv',
  counterparty: 'counterparty.csv.gz',
  currency: 'currency.csv.zst',
  design: 'design.csv',
  department: 'department.jsonl',
  staff: 'staff.ndjson.gz',
  transaction: 'transaction.jsonl.zst',
  payment_type: 'payment_type.parquet',
  sales_order: 'sales_order.parquet',
  payment: 'payment.parquet.gz',
  purchase_order: 'purchase_order.parquet.zst',
};

// An inbox-only platform (TOTES_SOURCE_URL=none) fed files of every table of a seeded (generated) totesys, in
// every format and compression; its warehouse is compared with the one the database path builds from the same
// totesys, table by table, and checked against that totesys with verify.
describe('an inbox-only platform fed CSV, JSON Lines and Parquet files of every totesys table', () => {
  let t: TestPlatform;
  let firstRun: string;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02, inboxOnly: true });
    for (const table of sourceTableNames) await exportTable(t, table, fileOf[table] as string);
    firstRun = await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const ledger = () => createInboxLedger(t.warehouse, t.config.stateSchema);
  const entryOf = async (key: string): Promise<InboxEntry | undefined> =>
    (await ledger().list()).find((entry) => entry.key === key);
  const rawParts = async (table: string) =>
    (await readdir(join(t.config.lakeUrl, 'raw', table), { recursive: true })).filter((name) =>
      name.endsWith('.parquet'),
    );

  it('builds the same warehouse, table by table, as the database path builds from the same totesys', async () => {
    const databasePath = await buildFromDatabase(t);
    try {
      for (const model of warehouseModels) {
        const [fromFiles, fromDatabase] = await Promise.all([
          tableContents(t.warehouse, t.config.warehouseSchema, model.name),
          tableContents(databasePath.warehouse, t.config.warehouseSchema, model.name),
        ]);

        expect({ table: model.name, rows: fromFiles }).toEqual({ table: model.name, rows: fromDatabase });
        expect(fromFiles.length).toBeGreaterThan(0);
      }
    } finally {
      await databasePath.dispose();
    }
  });

  it('builds a warehouse that verify finds equal to the database the files were exported from', async () => {
    const report = await verifyWarehouse({
      source: t.source,
      warehouse: t.warehouse,
      warehouseSchema: t.config.warehouseSchema,
    });

    expect(
      report.checks.filter((check) => !check.ok).map((check) => `${check.table}: ${check.name}`),
    ).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('tells the files the run read in its summary, with the rows they held', async () => {
    const { rows } = await t.source.query<{ n: number }>(
      `SELECT (${sourceTableNames.map((table) => `(SELECT count(*) FROM ${table})`).join(' + ')})::int AS n`,
    );

    const summary = formatSummary(t.tracker.summary(firstRun, 0));

    expect(summary).toMatch(/inbox files: +11: address\/address\.csv, /);
    expect(summary).toContain(`rows extracted:  ${rows[0]?.n}`);
  });

  it('records each file loaded in the ledger, with as many rows as its table has', async () => {
    const entries = await ledger().list();
    const { rows } = await t.source.query<{ n: number }>('SELECT count(*)::int AS n FROM sales_order');

    expect(entries.map((entry) => [entry.key, entry.state])).toEqual(
      sourceTableNames
        .map((table) => [`${table}/${fileOf[table]}`, 'loaded'])
        .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1)),
    );
    expect(await entryOf('sales_order/sales_order.parquet')).toMatchObject({
      rowsRead: rows[0]?.n,
      rowsLoaded: rows[0]?.n,
    });
  });

  it('loads a file dropped again, under its own name and under another, no second time', async () => {
    const original = join(t.inboxDir, 'design', 'design.csv');
    const partsBefore = await rawParts('design');
    await copyFile(original, join(t.inboxDir, 'design', 'copy-of-design.csv'));
    // The same name written again is a new version (a new modification time) of the same bytes.
    await copyFile(original, `${original}.again`);
    await copyFile(`${original}.again`, original);

    await t.runOnce();

    const design = (await ledger().list()).filter((entry) => entry.key.startsWith('design/design.csv'));
    expect(await entryOf('design/copy-of-design.csv')).toMatchObject({
      state: 'loaded',
      duplicateOf: 'design/design.csv',
      rowsLoaded: 0,
    });
    expect(
      design.filter((entry) => entry.key === 'design/design.csv').map((entry) => entry.duplicateOf),
    ).toEqual([null, 'design/design.csv']);
    expect(await rawParts('design')).toEqual(partsBefore);
  });

  it('quarantines a file with a value of the wrong type, with its line and column, and loads no row of it', async () => {
    const { rows } = await t.source.query<{ csv: string }>(
      `SELECT concat_ws(',', 999001, created_at, 'Bad Design', 'https://x', 'bad.jpg', last_updated) AS csv
       FROM design LIMIT 1`,
    );
    await writeFile(
      join(t.inboxDir, 'design', 'bad.csv'),
      `design_id,created_at,design_name,file_location,file_name,last_updated\n${rows[0]?.csv}\n` +
        `999002,2024-01-01 00:00:00,Worse,x,y,yesterday\n`,
    );

    await t.runOnce();

    expect(await entryOf('design/bad.csv')).toMatchObject({
      state: 'quarantined',
      reason: 'line 3, column last_updated: "yesterday" is not a timestamp (YYYY-MM-DD HH:MM:SS[.mmm])',
      rowsLoaded: 0,
    });
    const loaded = await t.warehouse.query('SELECT 1 FROM dim_design WHERE design_id IN (999001, 999002)');
    expect(loaded.rowCount).toBe(0);
  });

  it('quarantines a Parquet file with a price no 2-place decimal is nearest to, and loads no row of it', async () => {
    const salesOrder = findSourceTable('sales_order') as SourceTable;
    const { rows } = await t.source.query<Row>('SELECT * FROM sales_order ORDER BY sales_order_id LIMIT 3');
    const fresh = rows.map((row, index) => ({
      ...row,
      sales_order_id: 999_001 + index,
      unit_price: index === 2 ? '1.005001' : (row.unit_price ?? null),
    }));
    await writeFile(
      join(t.inboxDir, 'sales_order', 'bad-price.parquet'),
      looseParquet(salesOrder, fresh, { rowGroupRows: 2 }),
    );

    await t.runOnce();

    expect(await entryOf('sales_order/bad-price.parquet')).toMatchObject({
      state: 'quarantined',
      reason: 'row 3, column unit_price: 1.005001 is not exactly a numeric(10,2) value (the nearest is 1.01)',
      rowsLoaded: 0,
    });
    const loaded = await t.warehouse.query(
      'SELECT 1 FROM fact_sales_order WHERE sales_order_id BETWEEN 999001 AND 999003',
    );
    expect(loaded.rowCount).toBe(0);
  });

  it('quarantines a file missing a required column, and a file under an unknown table folder, with their reasons', async () => {
    await writeFile(join(t.inboxDir, 'design', 'narrow.csv'), 'design_id,design_name\n1,x\n');
    await mkdir(join(t.inboxDir, 'orders'));
    await writeFile(join(t.inboxDir, 'orders', 'o.csv'), 'id\n1\n');

    await t.runOnce();

    expect(await entryOf('design/narrow.csv')).toMatchObject({
      state: 'quarantined',
      reason: expect.stringMatching(/^line 1: the header lacks required columns created_at, file_location/),
    });
    expect(await entryOf('orders/o.csv')).toMatchObject({
      state: 'quarantined',
      reason: '"orders" is not a table of the catalog',
    });
  });

  it('puts a file with `totes inbox put`, reads it on the next run whatever its column order, and lists it', async () => {
    const undo = await pointTotesAt(t);
    try {
      const folder = await mkdtemp(join(tmpdir(), 'totes-put-'));
      const path = join(folder, 'reordered.csv');
      await exportQuery(
        t,
        'SELECT last_updated, file_name, design_name, design_id, file_location, created_at FROM design',
        path,
      );

      const put = await totes('inbox', 'put', path, '--table', 'design');
      await t.runOnce();
      const listed = await totes('inbox', 'list', '--json');
      const text = await totes('inbox', 'list');

      const { rows } = await t.source.query<{ n: number }>('SELECT count(*)::int AS n FROM design');
      expect(put).toMatchObject({ code: 0, out: expect.stringContaining('design/reordered.csv') });
      expect(JSON.parse(listed.out)).toContainEqual(
        expect.objectContaining({ key: 'design/reordered.csv', state: 'loaded', rowsLoaded: rows[0]?.n }),
      );
      expect(text.out).toMatch(/quarantined +design\/bad\.csv .*\n +why: line 3, column last_updated/);
      await rm(folder, { recursive: true, force: true });
    } finally {
      await undo();
    }
  });

  it('refuses to put a file for a table the catalog does not know', async () => {
    const { code } = await totes('inbox', 'put', 'x.csv', '--table', 'orders');

    expect(code).toBe(2);
  });

  it('verifies a platform with no source database against its raw zone with `totes verify`', async () => {
    const undo = await pointTotesAt(t);
    try {
      const { code, out } = await totes('verify');

      expect(out).toMatch(/^compared with the raw zone of /);
      expect(code).toBe(0);
    } finally {
      await undo();
    }
  });

  it('still passes verify after every duplicate and bad file', async () => {
    const report = await verifyWarehouse({
      source: t.source,
      warehouse: t.warehouse,
      warehouseSchema: t.config.warehouseSchema,
    });

    expect(report.ok).toBe(true);
  });
});

/** Writes what a query of the test's totesys returns to a file, as COPY writes CSV. */
async function exportQuery(t: TestPlatform, query: string, path: string): Promise<void> {
  const client = await t.source.connect();
  try {
    await pipeline(
      client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT csv, HEADER)`)),
      createWriteStream(path),
    );
  } finally {
    client.release();
  }
}

/**
 * A second platform on the database path, reading the test's totesys into a warehouse database of its own (on the
 * same Postgres) until it has loaded everything.
 */
async function buildFromDatabase(t: TestPlatform): Promise<{ warehouse: pg.Pool; dispose(): Promise<void> }> {
  await t.warehouse.query('CREATE DATABASE database_path');
  const warehouseUrl = new URL(t.config.warehouseUrl);
  warehouseUrl.pathname = '/database_path';
  const folder = await mkdtemp(join(tmpdir(), 'totes-database-path-'));
  const config = loadConfig(
    {},
    {
      sourceUrl: t.sourceUrl,
      warehouseUrl: warehouseUrl.toString(),
      lakeUrl: join(folder, 'lake'),
      inboxUrl: join(folder, 'inbox'),
      stage: 'database-path',
    },
  );
  const platform = await startPlatform({
    config,
    awsEndpoint: t.awsEndpoint,
    logger: createLogger({}, { level: 'error', write: () => {} }),
    freshQueues: true,
  });
  await platform.detectOnce({});
  await waitForDrain(platform, { timeoutMs: 60_000 });
  const warehouse = createPool(config.warehouseUrl);
  return {
    warehouse,
    async dispose() {
      await warehouse.end();
      await platform.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Every row of a warehouse table in a fixed order, without the surrogate key a fact numbers its rows by. */
async function tableContents(pool: pg.Pool, schema: string, table: string): Promise<Row[]> {
  const model = warehouseModels.find((candidate) => candidate.name === table);
  const surrogate = model?.kind === 'fact' ? model.recordId : undefined;
  const { rows: columns } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 AND column_name <> $3 ORDER BY ordinal_position`,
    [schema, table, surrogate ?? ''],
  );
  const list = columns.map(({ column_name }) => `"${column_name}"`).join(', ');
  const order = columns.map((_column, index) => index + 1).join(', ');
  const { rows } = await pool.query<Row>(`SELECT ${list} FROM "${schema}"."${table}" ORDER BY ${order}`);
  return rows;
}

// Both inputs at once: the database and the inbox feed one table, and its rows are versioned by last_updated.
describe('a platform with a source database and an inbox', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const dropDesign = async (name: string, row: { name: string; lastUpdated: string }) => {
    await mkdir(join(t.inboxDir, 'design'), { recursive: true });
    await writeFile(
      join(t.inboxDir, 'design', name),
      'design_id,created_at,design_name,file_location,file_name,last_updated\n' +
        `1,2022-11-03 14:20:49.962,${row.name},/usr/share,file.jpg,${row.lastUpdated}\n`,
    );
  };
  const nameOfDesign1 = async () =>
    (
      await t.warehouse.query<{ design_name: string }>(
        'SELECT design_name FROM dim_design WHERE design_id = 1',
      )
    ).rows[0]?.design_name;

  it('takes a file row newer than the database row, and keeps it over a file row older than both', async () => {
    await dropDesign('newer.csv', { name: 'From The Inbox', lastUpdated: '2099-01-01 00:00:00' });
    await t.runOnce();
    const afterNewer = await nameOfDesign1();
    await dropDesign('older.csv', { name: 'Too Old', lastUpdated: '2000-01-01 00:00:00' });
    await t.runOnce();

    expect(afterNewer).toBe('From The Inbox');
    expect(await nameOfDesign1()).toBe('From The Inbox');
  });

  it('reads files of one table dropped together as one claim: a bad one is quarantined alone, the others load', async () => {
    const design = (id: number, name: string, lastUpdated: string) =>
      'design_id,created_at,design_name,file_location,file_name,last_updated\n' +
      `${id},2022-11-03 14:20:49.962,${name},/usr/share,file.jpg,${lastUpdated}\n`;
    const nameBefore = async (id: number) =>
      (await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = $1', [id])).rows[0];
    const unchanged = await nameBefore(5);
    await writeFile(
      join(t.inboxDir, 'design', 'batch-3.csv'),
      design(3, 'Batch Three', '2099-01-01 00:00:00'),
    );
    await writeFile(join(t.inboxDir, 'design', 'batch-5.csv'), design(5, 'Batch Five', 'soon'));
    await writeFile(
      join(t.inboxDir, 'design', 'batch-4.csv'),
      design(4, 'Batch Four', '2099-01-01 00:00:00'),
    );

    await t.runOnce();

    const entries = (await createInboxLedger(t.warehouse, t.config.stateSchema).list()).filter((entry) =>
      entry.key.startsWith('design/batch-'),
    );
    expect(entries.map((entry) => [entry.key, entry.state, entry.rowsLoaded]).sort()).toEqual([
      ['design/batch-3.csv', 'loaded', 1],
      ['design/batch-4.csv', 'loaded', 1],
      ['design/batch-5.csv', 'quarantined', 0],
    ]);
    expect(entries.find((entry) => entry.key === 'design/batch-5.csv')?.reason).toMatch(
      /^line 2, column last_updated/,
    );
    expect(new Set(entries.map((entry) => entry.claimId)).size).toBe(1);
    const { rows } = await t.warehouse.query<{ design_id: number; design_name: string }>(
      'SELECT design_id, design_name FROM dim_design WHERE design_id IN (3, 4) ORDER BY design_id',
    );
    expect(rows).toEqual([
      { design_id: 3, design_name: 'Batch Three' },
      { design_id: 4, design_name: 'Batch Four' },
    ]);
    expect(await nameBefore(5)).toEqual(unchanged);
  });

  it('keeps the newer row of a key that two files of one claim both give, though the older file is read after it', async () => {
    const design = (name: string, lastUpdated: string) =>
      'design_id,created_at,design_name,file_location,file_name,last_updated\n' +
      `6,2022-11-03 14:20:49.962,${name},/usr/share,file.jpg,${lastUpdated}\n`;
    await mkdir(join(t.inboxDir, 'design'), { recursive: true });
    await writeFile(join(t.inboxDir, 'design', 'pair-a.csv'), design('Pair Newer', '2099-02-02 00:00:00'));
    await writeFile(join(t.inboxDir, 'design', 'pair-b.csv'), design('Pair Older', '2099-01-01 00:00:00'));

    await t.runOnce();

    const entries = (await createInboxLedger(t.warehouse, t.config.stateSchema).list()).filter((entry) =>
      entry.key.startsWith('design/pair-'),
    );
    expect(entries.map((entry) => [entry.state, entry.rowsLoaded])).toEqual([
      ['loaded', 1],
      ['loaded', 1],
    ]);
    expect(new Set(entries.map((entry) => entry.claimId)).size).toBe(1);
    const { rows } = await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 6');
    expect(rows).toEqual([{ design_name: 'Pair Newer' }]);
  });

  it('loads, of a key a file gives twice, the row with the latest last_updated, even when it comes first', async () => {
    const line = (name: string, lastUpdated: string) =>
      JSON.stringify({
        design_id: 2,
        created_at: '2022-11-03T14:20:49.962',
        design_name: name,
        file_location: '/usr/share',
        file_name: 'file.jpg',
        last_updated: lastUpdated,
      });
    await writeFile(
      join(t.inboxDir, 'design', 'twice.jsonl'),
      `${line('Latest', '2099-02-01T00:00:00')}\n${line('Earlier', '2099-01-01T00:00:00')}\n`,
    );

    await t.runOnce();

    const { rows } = await t.warehouse.query<{ design_name: string }>(
      'SELECT design_name FROM dim_design WHERE design_id = 2',
    );
    const entry = (await createInboxLedger(t.warehouse, t.config.stateSchema).list()).find(
      (candidate) => candidate.key === 'design/twice.jsonl',
    );
    expect(rows).toEqual([{ design_name: 'Latest' }]);
    expect(entry).toMatchObject({ state: 'loaded', rowsRead: 2, rowsLoaded: 1 });
  });
});
