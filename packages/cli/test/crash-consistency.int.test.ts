import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findModel, processedColumnsOf, type Row, type WarehouseModel } from '@totes/model';
import { type ColumnBatch, columnBatchOf, createPool, createRunLedger } from '@totes/runtime';
import { createWarehouseWriter, type LoadEntry } from '@totes/warehouse-loader';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDrain } from '../src/wait-for-drain';
import { startTestPlatform, type TestPlatform } from './harness';

async function waitUntil(probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('crash consistency: nothing is marked done that is not durably done', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    // Failed messages come back after a second, so a retry after the fix is quick.
    t = await startTestPlatform({ scale: 0.01, visibilityTimeoutSeconds: 1 });
    await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  describe('a lake that refuses writes during an extraction', () => {
    const watermarkOf = async (table: string) =>
      (
        await t.warehouse.query('SELECT last_updated, last_id FROM totes.watermark WHERE table_name = $1', [
          table,
        ])
      ).rows;

    it('keeps the watermark where it was while the write fails, and delivers the rows once the lake is fixed', async () => {
      // A plain file where the table's raw folder belongs: no folder can be made under it, even as root.
      const rawFolder = join(t.config.lakeUrl, 'raw', 'design');
      await rename(rawFolder, `${rawFolder}.aside`);
      await writeFile(rawFolder, 'not a folder');
      const before = await watermarkOf('design');
      await t.source.query(
        // Stamped before the source clock less the late-commit margin, so the watermark may move past it at once.
        `UPDATE design SET design_name = 'Written late', last_updated = localtimestamp - interval '5 minutes' WHERE design_id = 1`,
      );
      const failuresBefore = t.logLines.filter((line) => line.includes('LAKE_WRITE_FAILED')).length;

      await t.platform.detectOnce();
      await waitUntil(
        () => t.logLines.filter((line) => line.includes('LAKE_WRITE_FAILED')).length > failuresBefore,
      );
      const duringOutage = await watermarkOf('design');
      const { rows: notYet } = await t.warehouse.query(
        'SELECT design_name FROM dim_design WHERE design_id = 1',
      );
      await rm(rawFolder);
      await rename(`${rawFolder}.aside`, rawFolder);
      await waitForDrain(t.platform, { timeoutMs: 30_000 });

      expect(duringOutage).toEqual(before);
      expect(notYet).not.toEqual([{ design_name: 'Written late' }]);
      const { rows: arrived } = await t.warehouse.query(
        'SELECT design_name FROM dim_design WHERE design_id = 1',
      );
      expect(arrived).toEqual([{ design_name: 'Written late' }]);
      const after = await watermarkOf('design');
      expect(after).not.toEqual(before);
    });
  });

  describe('a load whose ledger entry cannot commit', () => {
    let writerPool: pg.Pool;
    let model: WarehouseModel;

    beforeAll(() => {
      writerPool = createPool(t.config.warehouseUrl, { max: 2 });
      // A connection killed mid-load reports its error to the load; it must not also crash the test process.
      writerPool.on('connect', (client) => client.on('error', () => {}));
      const found = findModel('dim_design');
      if (!found) throw new Error('dim_design is not declared');
      model = found;
    });
    afterAll(async () => {
      await writerPool?.end();
    });

    const designRows = (id: number): Row[] => [
      {
        design_id: id,
        design_name: `Atomic ${id}`,
        file_location: '/d',
        file_name: `${id}.png`,
        _source_version: '2026-01-01T00:00:00.000',
      },
    ];
    async function* batches(rows: Row[]): AsyncGenerator<ColumnBatch> {
      yield columnBatchOf(processedColumnsOf(model), rows);
    }
    const entry = (): LoadEntry => ({
      messageId: crypto.randomUUID(),
      runId: crypto.randomUUID(),
      model,
      table: 'design',
      extractionId: crypto.randomUUID(),
    });
    const visible = async (id: number, messageId: string) => ({
      rows: (await t.warehouse.query('SELECT 1 FROM dim_design WHERE design_id = $1', [id])).rowCount,
      ledger: (await t.warehouse.query('SELECT 1 FROM totes.load_ledger WHERE message_id = $1', [messageId]))
        .rowCount,
    });

    it('commits the rows and the ledger entry together when nothing fails', async () => {
      const writer = createWarehouseWriter({
        pool: writerPool,
        runs: createRunLedger(writerPool, t.config.stateSchema, ['design']),
        warehouseSchema: t.config.warehouseSchema,
        stateSchema: t.config.stateSchema,
      });
      const load = entry();

      await writer.load(load, await writer.progress(load.messageId, 1), () => batches(designRows(9101)));

      expect(await visible(9101, load.messageId)).toEqual({ rows: 1, ledger: 1 });
    });

    it('leaves no warehouse row visible when the ledger write fails after the merge', async () => {
      await t.warehouse.query(
        `CREATE FUNCTION totes.refuse_ledger_update() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'ledger write refused by the test'; END $$`,
      );
      await t.warehouse.query(
        `CREATE TRIGGER refuse_ledger_update BEFORE UPDATE ON totes.load_ledger
         FOR EACH ROW EXECUTE FUNCTION totes.refuse_ledger_update()`,
      );
      const writer = createWarehouseWriter({
        pool: writerPool,
        runs: createRunLedger(writerPool, t.config.stateSchema, ['design']),
        warehouseSchema: t.config.warehouseSchema,
        stateSchema: t.config.stateSchema,
      });
      const load = entry();

      const failure = await writer
        .load(load, await writer.progress(load.messageId, 1), () => batches(designRows(9102)))
        .catch((error: unknown) => error);
      await t.warehouse.query('DROP TRIGGER refuse_ledger_update ON totes.load_ledger');
      await t.warehouse.query('DROP FUNCTION totes.refuse_ledger_update()');

      expect(String(failure)).toMatch(/ledger write refused by the test/);
      expect(await visible(9102, load.messageId)).toEqual({ rows: 0, ledger: 0 });
    });

    it('leaves no warehouse row visible when the connection dies before the load commits', async () => {
      const writer = createWarehouseWriter({
        pool: writerPool,
        runs: {
          // The last step before COMMIT: the server ends this very session, as a crash would.
          async markLoaded(client) {
            await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
          },
        },
        warehouseSchema: t.config.warehouseSchema,
        stateSchema: t.config.stateSchema,
      });
      const load = entry();

      const failure = await writer
        .load(load, await writer.progress(load.messageId, 1), () => batches(designRows(9103)))
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(Error);
      expect(await visible(9103, load.messageId)).toEqual({ rows: 0, ledger: 0 });
    });
  });
});
