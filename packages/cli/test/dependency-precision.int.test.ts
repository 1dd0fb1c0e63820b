import { modelsDependingOn, sourceTables } from '@totes/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

describe('dependency precision: a change rebuilds exactly the models that declare its table', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
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
