import { sourceTableNames } from '@totes/model';
import { createLake } from '@totes/runtime';
import { verifyWarehouse } from '@totes/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../src/run-tracker';
import { startTestPlatform, type TestPlatform } from './harness';

const sourceTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

/** The extractions a run recorded: a delete check records one per table, with its rows and the models to load. */
async function extractionsOf(
  t: TestPlatform,
  runId: string,
): Promise<{ table_name: string; rows: number }[]> {
  const { rows } = await t.warehouse.query<{ table_name: string; rows: number }>(
    `SELECT table_name, rows FROM ${t.config.stateSchema}.extraction WHERE run_id = $1 ORDER BY table_name`,
    [runId],
  );
  return rows;
}

/** The raw folders that delete checks wrote. */
async function tombstoneParts(t: TestPlatform): Promise<string[]> {
  const keys = await createLake(t.config.lakeUrl).list('raw/');
  return keys.filter((key) => key.includes('/deletes-'));
}

describe('rows deleted from the source', () => {
  let t: TestPlatform;
  let designId: number;
  let paymentId: number;
  let paymentBefore: Record<string, unknown>[];

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02 });
    await t.runOnce();
    // A design that nothing references yet, loaded before it is deleted.
    const { rows } = await t.source.query<{ design_id: number }>(
      `INSERT INTO design (design_name, file_location, file_name, created_at, last_updated)
       VALUES ('Short-lived', '/designs', 'short-lived.json', now(), now()) RETURNING design_id`,
    );
    designId = rows[0]?.design_id ?? -1;
    await t.runOnce();
    const { rows: payments } = await t.source.query<{ payment_id: number }>(
      'SELECT max(payment_id) AS payment_id FROM payment',
    );
    paymentId = payments[0]?.payment_id ?? -1;
    ({ rows: paymentBefore } = await t.warehouse.query(
      'SELECT * FROM fact_payment WHERE payment_id = $1 ORDER BY payment_record_id',
      [paymentId],
    ));
  }, 240_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('writes and announces nothing when a delete check finds no row deleted', async () => {
    const runId = await t.runOnce({ checkDeletes: true });

    const checked = await extractionsOf(t, runId);
    expect(checked.map((extraction) => extraction.table_name)).toEqual([...sourceTableNames].sort());
    expect(checked.every((extraction) => extraction.rows === 0)).toBe(true);
    expect(t.tracker.summary(runId, 0).rowsExtracted).toBe(0);
    expect(t.tracker.builds(runId)).toEqual([]);
    expect(await tombstoneParts(t)).toEqual([]);
  });

  describe('after a design and a payment are deleted and the delete check runs', () => {
    let runId: string;

    beforeAll(async () => {
      expect(designId).toBeGreaterThan(0);
      expect(paymentBefore).toHaveLength(1);
      await t.source.query('DELETE FROM design WHERE design_id = $1', [designId]);
      await t.source.query('DELETE FROM payment WHERE payment_id = $1', [paymentId]);
      runId = await t.runOnce({ checkDeletes: true });
    }, 120_000);

    it('keeps the dimension row, with its last known values, marked _deleted_at', async () => {
      const { rows } = await t.warehouse.query(
        'SELECT design_name, file_name, _deleted_at FROM dim_design WHERE design_id = $1',
        [designId],
      );

      expect(rows).toEqual([
        {
          design_name: 'Short-lived',
          file_name: 'short-lived.json',
          _deleted_at: expect.stringMatching(sourceTimestamp),
        },
      ]);
    });

    it('adds a final fact version marked deleted and leaves the earlier version unchanged', async () => {
      const { rows } = await t.warehouse.query(
        'SELECT * FROM fact_payment WHERE payment_id = $1 ORDER BY payment_record_id',
        [paymentId],
      );

      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual(paymentBefore[0]);
      expect(rows[0]?._deleted_at).toBeNull();
      const deletedAt = String(rows[1]?._deleted_at);
      expect(deletedAt).toMatch(sourceTimestamp);
      // The final version is stamped at the deletion, so its version key is new; its values are the last known.
      expect(rows[1]).toMatchObject({
        payment_amount: paymentBefore[0]?.payment_amount,
        paid: paymentBefore[0]?.paid,
        last_updated_date: deletedAt.slice(0, 10),
        last_updated_time: deletedAt.slice(11),
      });
    });

    it('says in the run summary which tables it checked and how many rows it found deleted', () => {
      const summary = formatSummary(t.tracker.summary(runId, 0));

      expect(summary).toContain(`delete checks:   ${sourceTableNames.length}: `);
      expect(summary).toContain('rows deleted:    2');
      expect(summary).not.toContain('nothing to do');
    });

    it('rebuilds only the models that depend on the deleted rows', () => {
      expect(t.tracker.summary(runId, 0).modelsBuilt).toEqual(['dim_date', 'dim_design', 'fact_payment']);
    });

    it('passes totes verify', async () => {
      const report = await verifyWarehouse({
        source: t.source,
        warehouse: t.warehouse,
        warehouseSchema: t.config.warehouseSchema,
      });

      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    });

    it('finds the same rows gone on the next check without announcing them again', async () => {
      const again = await t.runOnce({ checkDeletes: true });

      expect(await extractionsOf(t, again)).toHaveLength(sourceTableNames.length);
      expect(t.tracker.builds(again)).toEqual([]);
    });
  });
});
