import { modelsDependingOn, sourceTables } from '@totes/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

describe('dependency precision: a change rebuilds exactly the models that declare its table', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    // Read totesys as a role with SELECT only: the platform never needs more of the source.
    t = await startTestPlatform({ scale: 0.01, selectOnlySource: true });
    await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('reads the source through a role that may only SELECT, and never writes to it', async () => {
    expect(new URL(t.config.sourceUrl).username).toBe('totes_reader');
    const { rows } = await t.source.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.table_privileges
       WHERE grantee = 'totes_reader' AND privilege_type <> 'SELECT'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    expect(await t.warehouse.query('SELECT count(*)::int AS n FROM fact_sales_order')).toMatchObject({
      rows: [{ n: expect.any(Number) }],
    });
    const { rows: loaded } = await t.warehouse.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM fact_sales_order',
    );
    const { rows: source } = await t.source.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sales_order',
    );
    expect(loaded).toEqual(source);
  });

  it.each(sourceTables.map((table) => [table.name, table.primaryKey] as const))(
    'a change to %s rebuilds and loads only the models that depend on it',
    async (table, key) => {
      await t.source.query(
        `UPDATE "${table}" SET last_updated = now() WHERE "${key}" = (SELECT min("${key}") FROM "${table}")`,
      );
      const runId = await t.runOnce();
      const summary = t.tracker.summary(runId, 0);
      const declared = modelsDependingOn(table)
        .map((model) => model.name)
        .sort();
      expect(summary.tablesChanged.map((change) => change.table)).toEqual([table]);
      expect(summary.modelsBuilt).toEqual(declared);
      expect(summary.completed?.models).toEqual(declared);
      expect(summary.loads).toBe(declared.length);
    },
  );
});
