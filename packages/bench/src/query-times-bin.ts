/**
 * Times the dashboard's named queries uncached, straight against a warehouse kept by `totes start` or `totes run`
 * (its state folder), to measure the star SQL at a scale the bench's dashboard phase only reaches in full runs:
 *
 *   TOTES_STATE_DIR=/tmp/dash100 pnpm totes run --once --scale 100    # once: builds and keeps the warehouse
 *   node --import tsx packages/bench/src/query-times-bin.ts /tmp/dash100 [--runs N] [--migrate]
 *
 * `--migrate` first brings the warehouse up to this checkout's DDL and says how long that took. Each query is run
 * with the dashboard's defaults (all time, every currency, by month, top 10), with one currency, and with a half-year
 * by week, `--runs` times each (5 by default), with no statement timeout: a time past 2 s is a panel that fails.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createQueryCatalog, type DashboardParams, defaultParams, valuesOf } from '@totes/dashboard';
import { startLocalPostgres } from '@totes/local-stack';
import { factModels } from '@totes/model';
import { migrateWarehouse } from '@totes/warehouse-loader';
import pg from 'pg';

const variants: Record<string, DashboardParams> = {
  defaults: defaultParams,
  GBP: { ...defaultParams, currency: 'GBP' },
  'half-year': { ...defaultParams, from: '2024-01-01', to: '2024-06-30', grain: 'week', top: 20 },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, migrate: { type: 'boolean', default: false } },
});
const stateDir = positionals[0];
if (!stateDir) throw new Error('usage: query-times-bin.ts <state-dir> [--runs N] [--migrate]');
const runs = Number(values.runs);

const postgres = await startLocalPostgres({ dataDir: join(stateDir, 'postgres') });
const pool = new pg.Pool({ connectionString: postgres.url('warehouse'), max: 1 });
try {
  if (values.migrate) {
    const started = performance.now();
    await migrateWarehouse(pool, { warehouseSchema: 'public', stateSchema: 'totes' });
    console.log(`migrate: ${Math.round(performance.now() - started)} ms`);
  }
  for (const fact of factModels) {
    const { rows } = await pool.query(`SELECT count(*)::integer AS n FROM ${pg.escapeIdentifier(fact.name)}`);
    console.log(`${fact.name}: ${rows[0].n} rows`);
  }
  const catalog = createQueryCatalog({ warehouse: 'public', state: 'totes' });
  console.log('query | variant | rows | p50 ms | p95 ms | max ms');
  for (const query of catalog.all.filter((candidate) => candidate.name !== 'recent_runs')) {
    for (const [variant, params] of Object.entries(variants)) {
      const times: number[] = [];
      let count = 0;
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        const result = await pool.query({ text: query.sql.text, values: [...valuesOf(query.sql, params)] });
        times.push(performance.now() - started);
        count = result.rowCount ?? 0;
      }
      times.sort((a, b) => a - b);
      const at = (share: number) =>
        Math.round(times[Math.min(times.length - 1, Math.ceil(share * times.length) - 1)] ?? 0);
      console.log(`${query.name} | ${variant} | ${count} | ${at(0.5)} | ${at(0.95)} | ${at(1)}`);
    }
  }
} finally {
  await pool.end();
  await postgres.stop();
}
