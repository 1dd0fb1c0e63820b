import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { findSourceTable } from '@totes/model';
import { createPool, readChangeWindow } from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a source connection that dies in the middle of an extraction', () => {
  let postgres: TestPostgres;
  let source: pg.Pool;
  let admin: pg.Pool;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('totesys');
    await seedTotesys(postgres.url('totesys'), { seed: 4, scale: 0.1 });
    source = createPool(postgres.url('totesys'), {
      readOnly: true,
      applicationName: 'totes-source-under-test',
    });
    admin = createPool(postgres.url('totesys'));
  });
  afterAll(async () => {
    await Promise.all([source?.end(), admin?.end()]);
    await postgres?.dispose();
  });

  it('fails the read instead of hanging, and leaves the pool able to read again', async () => {
    const table = findSourceTable('sales_order');
    if (!table) throw new Error('sales_order is in the catalog');
    const window = { after: null, rereadFrom: null, upTo: '9999-12-31T00:00:00.000' };
    const batches = readChangeWindow(source, table, window, 100);
    await batches.next();

    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'totes-source-under-test'`,
    );
    const read = (async () => {
      for await (const _batch of batches);
    })();

    await expect(read).rejects.toThrow();
    let rows = 0;
    for await (const batch of readChangeWindow(source, table, window, 500)) rows += batch.length;
    const { rows: count } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM sales_order');
    expect(rows).toBe(count[0]?.n);
  }, 30_000);
});
