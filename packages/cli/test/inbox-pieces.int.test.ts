import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findSourceTable, type Row, type SourceTableName, sourceTableNames } from '@totes/model';
import { createInboxLedger, type InboxEntry, inboxRawKey } from '@totes/runtime';
import { looseParquet } from '@totes/table-extractor/testing';
import { verifyWarehouse } from '@totes/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';
import { exportTable } from './inbox-files';

/** Pieces of 8 KiB: the larger tables of a small totesys are cut into several, as a gigabyte file is on a real one. */
const pieceBytes = 8 * 1024;

// An inbox-only platform whose plain CSV and JSON Lines files larger than a piece are read in pieces, a message
// each: the files load whole or not at all, and a file that cannot be read in pieces is read whole.
describe('an inbox-only platform reading large files in pieces', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02, inboxOnly: true, inboxPieceBytes: pieceBytes });
    for (const [index, table] of sourceTableNames.entries())
      await exportTable(t, table, `${table}.${index % 2 === 0 ? 'csv' : 'jsonl'}`);
    await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const ledger = () => createInboxLedger(t.warehouse, t.config.stateSchema);
  const entryOf = async (key: string): Promise<InboxEntry | undefined> =>
    (await ledger().versionsOf(key)).at(-1);
  const pieceFolders = async (table: SourceTableName) =>
    (await readdir(join(t.config.lakeUrl, 'raw', table), { recursive: true })).filter((name) =>
      /\/piece-\d{4}$/.test(name),
    );
  const designCsv = (rows: readonly string[]) =>
    `design_id,created_at,design_name,file_location,file_name,last_updated\n${rows.join('\n')}\n`;
  const designRow = (id: number, name: string, stamp = '2025-01-02 03:04:05') =>
    `${id},2025-01-01 00:00:00,${name},/designs,design-${id}.json,${stamp}`;
  /** Enough rows of new designs (ids from `from`) for a file of three pieces or more. */
  const designRows = (from: number) =>
    Array.from({ length: 400 }, (_unused, index) => designRow(from + index, `Piece ${index}`));
  const drop = async (name: string, text: string) => {
    await writeFile(join(t.inboxDir, 'design', name), text);
    return text;
  };
  const designNamed = async (id: number) =>
    (
      await t.warehouse.query<{ design_name: string }>(
        `SELECT design_name FROM "${t.config.warehouseSchema}".dim_design WHERE design_id = $1`,
        [id],
      )
    ).rows.map((row) => row.design_name);

  it('cuts the larger files into pieces and builds a warehouse verify finds equal to the totesys they came from', async () => {
    const report = await verifyWarehouse({
      source: t.source,
      warehouse: t.warehouse,
      warehouseSchema: t.config.warehouseSchema,
    });

    expect((await pieceFolders('sales_order')).length).toBeGreaterThan(2);
    expect((await pieceFolders('payment')).length).toBeGreaterThan(2);
    expect(
      report.checks.filter((check) => !check.ok).map((check) => `${check.table}: ${check.name}`),
    ).toEqual([]);
  });

  it('records a file read in pieces once in the ledger, loaded with every row, and keeps no piece records', async () => {
    const { rows } = await t.source.query<{ n: number }>('SELECT count(*)::int AS n FROM sales_order');
    const pieces = await t.warehouse.query(`SELECT 1 FROM "${t.config.stateSchema}".inbox_piece`);

    expect(await entryOf('sales_order/sales_order.csv')).toMatchObject({
      state: 'loaded',
      rowsRead: rows[0]?.n,
      rowsLoaded: rows[0]?.n,
      readWhole: false,
    });
    expect(pieces.rowCount).toBe(0);
  });

  it('reads a Parquet file in pieces, by its row groups, every row once', async () => {
    const table = findSourceTable('payment')!;
    const { rows } = await t.source.query<Row>('SELECT * FROM payment');
    await writeFile(
      join(t.inboxDir, 'payment', 'again.parquet'),
      looseParquet(table, rows, { rowGroupRows: 40 }),
    );

    await t.runOnce();
    const entry = await entryOf('payment/again.parquet');
    const folders = (await pieceFolders('payment')).filter((folder) =>
      folder.startsWith(inboxRawKey('payment', entry!).slice('raw/payment/'.length)),
    );
    const { rows: loaded } = await t.warehouse.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${t.config.warehouseSchema}".fact_payment`,
    );

    expect(entry).toMatchObject({ state: 'loaded', rowsRead: rows.length, rowsLoaded: rows.length });
    expect(folders.length).toBeGreaterThan(2);
    expect(loaded[0]?.n).toBe(rows.length);
  });

  it('reads a large gzipped CSV file as one piece of itself, in one pass, a quoted line break and all', async () => {
    const rows = Array.from({ length: 2000 }, (_unused, index) =>
      designRow(960_000 + index, randomBytes(16).toString('hex')),
    );
    rows[7] = designRow(960_007, '"Two\nlines"');
    await writeFile(join(t.inboxDir, 'design', 'big.csv.gz'), gzipSync(designCsv(rows)));

    await t.runOnce();
    const entry = await entryOf('design/big.csv.gz');
    const folders = (await pieceFolders('design')).filter((folder) =>
      folder.startsWith(inboxRawKey('design', entry!).slice('raw/design/'.length)),
    );

    expect(entry).toMatchObject({ state: 'loaded', rowsLoaded: 2000, readWhole: false });
    expect(folders).toHaveLength(1);
    expect(await designNamed(960_007)).toEqual(['Two\nlines']);
  });

  it('reads whole, on the next cycle, a CSV file with a line break inside a quoted field', async () => {
    const rows = designRows(930_000);
    rows[200] = designRow(930_200, '"Two\nlines"');
    await drop('quoted-break.csv', designCsv(rows));

    await t.runOnce();
    const afterPieces = await entryOf('design/quoted-break.csv');
    await t.runOnce();

    expect(afterPieces).toMatchObject({ state: 'discovered', readWhole: true });
    expect(await entryOf('design/quoted-break.csv')).toMatchObject({ state: 'loaded', rowsLoaded: 400 });
    expect(await designNamed(930_200)).toEqual(['Two\nlines']);
    expect(t.logLines.some((line) => line.includes('cannot be read in pieces'))).toBe(true);
  });

  it('reads whole a file that gives one key in two pieces, so the row with the latest last_updated wins', async () => {
    const rows = designRows(940_000);
    rows.push(designRow(940_000, 'Newest', '2025-06-01 00:00:00'));
    await drop('key-twice.csv', designCsv(rows));

    await t.runOnce();
    await t.runOnce();

    expect(await entryOf('design/key-twice.csv')).toMatchObject({
      state: 'loaded',
      readWhole: true,
      rowsRead: 401,
      rowsLoaded: 400,
    });
    expect(await designNamed(940_000)).toEqual(['Newest']);
  });

  it('reads in pieces a file whose pieces cover overlapping ranges of keys, none given twice', async () => {
    // Keys from both ends in turn: every piece spans most of the range, yet no key is in two pieces.
    const ids = Array.from({ length: 400 }, (_unused, index) =>
      index % 2 === 0 ? 970_000 + index / 2 : 970_399 - (index - 1) / 2,
    );
    await drop('interleaved.csv', designCsv(ids.map((id) => designRow(id, `Interleaved ${id}`))));

    await t.runOnce();

    expect(await entryOf('design/interleaved.csv')).toMatchObject({
      state: 'loaded',
      readWhole: false,
      rowsLoaded: 400,
    });
  });

  it('quarantines a file whose last piece holds a bad row, naming its line in the file, and loads no row of it', async () => {
    const rows = designRows(950_000);
    rows[390] = designRow(950_390, 'Late', 'not a time');
    await drop('bad-late.csv', designCsv(rows));

    await t.runOnce();
    const entry = await entryOf('design/bad-late.csv');
    const rejects = await ledger().rejectsOf({ key: 'design/bad-late.csv', version: entry?.version ?? '' });

    expect(entry).toMatchObject({ state: 'quarantined', rowsLoaded: 0 });
    expect(entry?.reason).toContain('line 392');
    expect(rejects.map((reject) => [reject.place, reject.at])).toEqual([['line', 392]]);
    expect(await designNamed(950_000)).toEqual([]);
  });
});
