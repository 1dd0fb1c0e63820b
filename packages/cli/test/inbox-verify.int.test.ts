import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sourceTableNames } from '@totes/model';
import { createLake } from '@totes/runtime';
import { rawZoneSource, verifyWarehouse } from '@totes/verify';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt, totes } from './totes-command';

const designHeader = 'design_id,created_at,design_name,file_location,file_name,last_updated';

// `totes verify` and `totes status` on an inbox-only platform (TOTES_SOURCE_URL=none): the warehouse is reconciled
// against the lake's raw zone, and status shows the inbox's files per table.
describe('verify and status on an inbox-only platform', () => {
  let t: TestPlatform;
  let undo: () => Promise<void>;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01, inboxOnly: true });
    for (const table of sourceTableNames) await dropCsv(t, table);
    await t.runOnce();
    undo = await pointTotesAt(t);
  });
  afterAll(async () => {
    await undo?.();
    await t?.dispose();
  });

  const verifyRawZone = () =>
    verifyWarehouse({
      source: rawZoneSource(createLake(t.config.lakeUrl)),
      warehouse: t.warehouse,
      warehouseSchema: t.config.warehouseSchema,
    });
  const failed = (report: Awaited<ReturnType<typeof verifyRawZone>>) =>
    report.checks.filter((check) => !check.ok).map((check) => `${check.table}: ${check.name}`);

  it('verifies clean against the raw zone once every table was loaded from files', async () => {
    const report = await verifyRawZone();
    const command = await totes('verify');

    const { rows } = await t.source.query<{ n: number }>('SELECT count(*)::int AS n FROM sales_order');
    expect(failed(report)).toEqual([]);
    expect(report.checks).toContainEqual(
      expect.objectContaining({
        table: 'fact_sales_order',
        summary: expect.stringMatching(`^${rows[0]?.n} source rows, `),
      }),
    );
    expect(report.source).toMatch(/^the raw zone of file:\/\//);
    expect(command.code).toBe(0);
    expect(command.out).toMatch(/^compared with the raw zone of file:\/\//);
    expect(command.out).toMatch(/^✓ all \d+ checks passed$/m);
  });

  it('takes the latest version of a row over every file of its table', async () => {
    const designId = await firstKey(t, 'dim_design', 'design_id');
    await drop(t, 'design', 'renamed.csv', [
      designHeader,
      `${designId},2022-11-03 14:20:49.962,Renamed,/usr/share,renamed.json,2030-01-01 00:00:00`,
    ]);

    await t.runOnce();
    const report = await verifyRawZone();

    const { rows } = await t.warehouse.query<{ design_name: string }>(
      'SELECT design_name FROM dim_design WHERE design_id = $1',
      [designId],
    );
    expect(rows[0]?.design_name).toBe('Renamed');
    expect(failed(report)).toEqual([]);
  });

  it('names the table, the key and the column of a dimension row altered by hand', async () => {
    const designId = await firstKey(t, 'dim_design', 'design_id');
    const tamper = `UPDATE dim_design SET file_name = file_name || ' (tampered)' WHERE design_id = $1`;
    const restore = `UPDATE dim_design SET file_name = left(file_name, -length(' (tampered)')) WHERE design_id = $1`;

    await t.warehouse.query(tamper, [designId]);
    const command = await totes('verify').finally(() => t.warehouse.query(restore, [designId]));

    expect(command.code).toBe(1);
    expect(command.out).toMatch(/^✗ dim_design +dimension rows/m);
    expect(command.out).toMatch(
      new RegExp(`^ {4}value +design_id=${designId} +file_name +.+ \\(tampered\\)$`, 'm'),
    );
  });

  it('names the fact, the key and the column of a fact row altered by hand', async () => {
    const orderId = await firstKey(t, 'fact_sales_order', 'sales_order_id');
    const bump = (by: number) =>
      t.warehouse.query(
        'UPDATE fact_sales_order SET units_sold = units_sold + $2 WHERE sales_order_id = $1',
        [orderId, by],
      );

    await bump(1);
    const report = await verifyRawZone().finally(() => bump(-1));

    const versions = report.checks.find(
      (check) => check.table === 'fact_sales_order' && check.name === 'fact versions',
    );
    expect(versions?.ok).toBe(false);
    expect(versions?.differences).toContainEqual(
      expect.objectContaining({ kind: 'value', key: { sales_order_id: orderId }, column: 'units_sold' }),
    );
  });

  it('shows the inbox per table in status, with an alert naming a quarantined file and how to see it', async () => {
    await drop(t, 'design', 'bad.csv', [
      designHeader,
      '900001,2024-01-01 00:00:00,Bad,/d,bad.json,yesterday',
    ]);

    await t.runOnce();
    const text = await totes('status');
    const json = await totes('status', '--json');

    const alert =
      '1 inbox file of design quarantined, the last design/bad.csv: `totes inbox show design/bad.csv`';
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^inbox files +loaded +quarantined +in flight +rows +last loaded$/m);
    expect(text.out).toMatch(/^ {2}design +2 +1 +0 +\d+ +design\/renamed\.csv at \d{4}-/m);
    expect(text.out).toMatch(/^ {2}sales_order +1 +0 +0 +\d+ +sales_order\/sales_order\.csv at /m);
    expect(text.out).toContain(`ALERT: ${alert}`);
    expect(JSON.parse(json.out)).toMatchObject({
      tables: null,
      inbox: expect.arrayContaining([
        expect.objectContaining({
          table: 'design',
          loaded: 2,
          quarantined: 1,
          lastQuarantined: 'design/bad.csv',
        }),
      ]),
      alerts: expect.arrayContaining([alert]),
    });
  });

  it('stops alerting for a quarantined file once a fixed version of it has loaded under the same name', async () => {
    await drop(t, 'design', 'bad.csv', [
      designHeader,
      '900001,2024-01-01 00:00:00,Fixed,/d,fixed.json,2024-01-02 00:00:00',
    ]);

    await t.runOnce();
    const json = JSON.parse((await totes('status', '--json')).out);

    expect(json.inbox).toContainEqual(
      expect.objectContaining({ table: 'design', loaded: 3, quarantined: 0, lastQuarantined: null }),
    );
    expect(json.alerts.filter((line: string) => line.includes('inbox file'))).toEqual([]);
  });
});

async function drop(t: TestPlatform, table: string, name: string, lines: string[]): Promise<void> {
  await mkdir(join(t.inboxDir, table), { recursive: true });
  await writeFile(join(t.inboxDir, table, name), `${lines.join('\n')}\n`);
}

/** Drops a table of the test's totesys into the inbox as CSV, as PostgreSQL's COPY writes it. */
async function dropCsv(t: TestPlatform, table: string): Promise<void> {
  const client = await t.source.connect();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(`COPY ${table} TO STDOUT (FORMAT csv, HEADER)`)))
      chunks.push(chunk as Buffer);
    await mkdir(join(t.inboxDir, table), { recursive: true });
    await writeFile(join(t.inboxDir, table, `${table}.csv`), Buffer.concat(chunks));
  } finally {
    client.release();
  }
}

async function firstKey(t: TestPlatform, model: string, key: string): Promise<number> {
  const { rows } = await t.warehouse.query<{ id: number }>(`SELECT min(${key})::int AS id FROM ${model}`);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`${model} is empty`);
  return id;
}
