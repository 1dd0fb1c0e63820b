import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { createLogger, createPool, loadConfig, type PlatformConfig } from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../src/platform';
import { waitForDrain } from '../src/wait-for-drain';

describe('a local stack killed with work in its in-memory queues', () => {
  let postgres: TestPostgres;
  let lakeDir: string;
  let config: PlatformConfig;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('totesys');
    await postgres.ensureDatabase('warehouse');
    await seedTotesys(postgres.url('totesys'), { seed: 3, scale: 0.01 });
    lakeDir = await mkdtemp(join(tmpdir(), 'totes-lake-'));
    config = loadConfig(
      {},
      {
        sourceUrl: postgres.url('totesys'),
        warehouseUrl: postgres.url('warehouse'),
        lakeUrl: lakeDir,
        stage: 'test',
      },
    );
  });
  afterAll(async () => {
    await postgres?.dispose();
    await rm(lakeDir, { recursive: true, force: true });
  });

  it('extracts again, on restart, what was extracted but never loaded, and loads it once', async () => {
    const logger = createLogger({}, { write: () => {} });
    const firstQueues = await startLocalAws();
    const first = await startPlatform({
      config,
      awsEndpoint: firstQueues.endpoint,
      logger,
      freshQueues: true,
    });
    await first.detectOnce();
    // Once an extraction has landed, lose every message still in the emulator, as a SIGKILL would.
    const probe = createPool(config.warehouseUrl);
    while (
      (await probe.query('SELECT 1 FROM totes.extraction WHERE completed_at IS NULL LIMIT 1')).rowCount === 0
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await probe.end();
    await first.stop();
    await firstQueues.stop();

    const warehouse = createPool(config.warehouseUrl);
    const source = createPool(config.sourceUrl);
    try {
      const { rows: open } = await warehouse.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM totes.extraction WHERE completed_at IS NULL',
      );
      expect(open[0]?.n).toBeGreaterThan(0);

      const secondQueues = await startLocalAws();
      const second = await startPlatform({
        config,
        awsEndpoint: secondQueues.endpoint,
        logger,
        freshQueues: true,
      });
      try {
        await second.detectOnce();
        await waitForDrain(second, { timeoutMs: 60_000 });
      } finally {
        await second.stop();
        await secondQueues.stop();
      }
      const count = async (pool: typeof source, table: string) =>
        (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
      expect(await count(warehouse, 'fact_sales_order')).toBe(await count(source, 'sales_order'));
      expect(await count(warehouse, 'fact_payment')).toBe(await count(source, 'payment'));
      expect(await count(warehouse, 'dim_staff')).toBe(await count(source, 'staff'));
      const { rows: still } = await warehouse.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM totes.extraction WHERE completed_at IS NULL',
      );
      expect(still).toEqual([{ n: 0 }]);
    } finally {
      await Promise.all([warehouse.end(), source.end()]);
    }
  });
});
