import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sourceTableNames } from '@totes/model';
import { createInboxLedger, type InboxEntry } from '@totes/runtime';
import { verifyWarehouse } from '@totes/verify';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../src/run-tracker';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt, totes } from './totes-command';

// An inbox-only platform (TOTES_SOURCE_URL=none) fed files exported from a seeded totesys with COPY … (FORMAT csv,
// HEADER), checked against that same totesys with verify, as the database path is.
describe('an inbox-only platform fed CSV files of every totesys table', () => {
  let t: TestPlatform;
  let firstRun: string;
  const gzipped = new Set(['sales_order', 'payment']);

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02, inboxOnly: true });
    for (const table of sourceTableNames) await exportTable(t, table, gzipped.has(table));
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
        .map((table) => [`${table}/${table}.csv${gzipped.has(table) ? '.gz' : ''}`, 'loaded'])
        .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1)),
    );
    expect(await entryOf('sales_order/sales_order.csv.gz')).toMatchObject({
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

  it('says `totes verify` cannot compare a platform with no source database', async () => {
    const undo = await pointTotesAt(t);
    try {
      const { code } = await totes('verify');

      expect(code).toBe(2);
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

/** Writes one table of the test's totesys to the inbox as PostgreSQL's COPY writes CSV, gzipped if asked. */
async function exportTable(t: TestPlatform, table: string, gzip: boolean): Promise<void> {
  await mkdir(join(t.inboxDir, table), { recursive: true });
  // Nothing lists the inbox until the test runs a cycle, so the file is written in place.
  const file = createWriteStream(join(t.inboxDir, table, `${table}.csv${gzip ? '.gz' : ''}`));
  const client = await t.source.connect();
  try {
    const copy = client.query(copyTo(`COPY ${table} TO STDOUT (FORMAT csv, HEADER)`));
    if (gzip) await pipeline(copy, createGzip(), file);
    else await pipeline(copy, file);
  } finally {
    client.release();
  }
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
});
