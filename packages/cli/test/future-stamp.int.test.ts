import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt, totes } from './totes-command';

interface TableStatusJson {
  table: string;
  futureRows: number | null;
}

describe('a row stamped in the future never blocks its table', () => {
  let t: TestPlatform;
  let undoTotes: () => Promise<void>;

  const watermarkOf = async (table: string) =>
    (
      await t.warehouse.query<{ last_updated: string; beyond_clock: boolean }>(
        `SELECT last_updated, last_updated > localtimestamp AS beyond_clock FROM totes.watermark WHERE table_name = $1`,
        [table],
      )
    ).rows[0];
  const designName = async (id: number) =>
    (await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = $1', [id])).rows;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    await t.runOnce();
    undoTotes = await pointTotesAt(t);
  });
  afterAll(async () => {
    await undoTotes?.();
    await t?.dispose();
  });

  it('loads a design renamed now after another design was stamped in 2030, and verify passes', async () => {
    await t.source.query(
      `UPDATE design SET design_name = 'From 2030', last_updated = '2030-01-01' WHERE design_id = 1`,
    );
    await t.runOnce();
    await t.source.query(
      `UPDATE design SET design_name = 'Renamed now', last_updated = now() WHERE design_id = 2`,
    );

    await t.runOnce();

    expect(await designName(1)).toEqual([{ design_name: 'From 2030' }]);
    expect(await designName(2)).toEqual([{ design_name: 'Renamed now' }]);
    expect((await watermarkOf('design'))?.beyond_clock).toBe(false);
    const verify = await totes('verify');
    expect(verify.out).toMatch(/✓ all \d+ checks passed/);
    expect(verify.code).toBe(0);
  });

  it('asks for no extraction while the row stamped in the future is unchanged, and loads each fact version once', async () => {
    await t.source.query(`UPDATE sales_order SET last_updated = '2030-01-01' WHERE sales_order_id = 5`);
    await t.runOnce();

    const quiet = await t.platform.detectOnce();
    await t.runOnce();

    expect(quiet.changes.map((change) => change.table)).not.toContain('sales_order');
    expect(quiet.changes.map((change) => change.table)).not.toContain('design');
    const { rows } = await t.warehouse.query(
      `SELECT count(*)::integer AS versions FROM fact_sales_order WHERE sales_order_id = 5 AND last_updated_date = '2030-01-01'`,
    );
    expect(rows).toEqual([{ versions: 1 }]);
  });

  it('raises a status alert naming the table and the count of rows stamped in the future, human and --json', async () => {
    const json = await totes('status', '--json', '--max-lag', '100000', '--max-dlq', '10');
    const human = await totes('status', '--max-lag', '100000', '--max-dlq', '10');

    const report = JSON.parse(json.out) as { tables: TableStatusJson[]; alerts: string[] };
    const design = report.tables.find((entry) => entry.table === 'design');
    expect(design?.futureRows).toBe(1);
    expect(report.alerts).toContainEqual(
      expect.stringMatching(/^design has 1 row\(s\) with last_updated after the source's clock/),
    );
    expect(report.alerts).toContainEqual(
      expect.stringMatching(/^sales_order has 1 row\(s\) with last_updated after the source's clock/),
    );
    expect(json.code).toBe(1);
    expect(human.out).toMatch(/ALERT: design has 1 row\(s\) with last_updated after the source's clock/);
    expect(human.code).toBe(1);
  });

  it('moves a watermark already beyond the source clock back, so the rows it hid are extracted', async () => {
    const { rows: before } = await t.warehouse.query<{ last_updated: string }>(
      `SELECT last_updated FROM totes.watermark WHERE table_name = 'currency'`,
    );
    // What the code before the cap wrote: the watermark of a row stamped in 2030.
    await t.warehouse.query(
      `UPDATE totes.watermark SET last_updated = '2030-01-01', last_id = 1 WHERE table_name = 'currency'`,
    );
    await t.source.query(
      `UPDATE currency SET currency_code = 'CHF', last_updated = now() WHERE currency_id = 3`,
    );

    const detection = await t.platform.detectOnce();
    await t.runOnce();

    expect(detection.rewound).toEqual([
      expect.objectContaining({ table: 'currency', from: { lastUpdated: '2030-01-01T00:00:00.000', id: 1 } }),
    ]);
    expect(detection.changes.map((change) => change.table)).toContain('currency');
    const { rows } = await t.warehouse.query('SELECT currency_code FROM dim_currency WHERE currency_id = 3');
    expect(rows).toEqual([{ currency_code: 'CHF' }]);
    expect((await watermarkOf('currency'))?.beyond_clock).toBe(false);
    expect(before).toHaveLength(1);
    expect(t.logLines.some((line) => line.includes('watermark beyond the source clock moved back'))).toBe(
      true,
    );
  });
});
