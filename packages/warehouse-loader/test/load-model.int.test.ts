import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelBuilt, newEnvelope } from '@totes/contracts';
import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { findModel, processedColumnsOf, type Row } from '@totes/model';
import { createLake, type Lake, lineageNamespaces } from '@totes/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoaderPorts, loadBuiltModel } from '../src/load-model';
import { migrateWarehouse } from '../src/migrate';
import { createWarehouseWriter } from '../src/warehouse-writer';

// The core over a real lake folder and the embedded PostgreSQL: a built dataset of many parts, as a builder writes it.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const dimDesign = findModel('dim_design')!;

let postgres: TestPostgres;
let pool: pg.Pool;
let folder: string;
let lake: Lake;
beforeAll(async () => {
  postgres = await startTestPostgres();
  await postgres.ensureDatabase('warehouse');
  pool = new pg.Pool({ connectionString: postgres.url('warehouse') });
  await migrateWarehouse(pool, schemas);
  folder = await mkdtemp(join(tmpdir(), 'totes-load-model-'));
  lake = createLake(pathToFileURL(folder).href);
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
  if (folder) await rm(folder, { recursive: true, force: true });
});

function designs(count: number): Row[] {
  return Array.from({ length: count }, (_, index) => ({
    design_id: index + 1,
    design_name: `Design ${index + 1}`,
    file_location: '/designs',
    file_name: `${index + 1}.png`,
    _source_version: '2026-01-01T00:00:00.000',
    _deleted_at: null,
  }));
}

describe('loadBuiltModel of a dataset in many parts', () => {
  it('loads every row once in parallel transactions, and only the first delivery reports the totals', async () => {
    const object = await lake.writeDataset(
      'processed/dim_design/2026-01-01/m1',
      processedColumnsOf(dimDesign),
      [designs(25)],
      { rowsPerPart: 4 },
    );
    const message = ModelBuilt.parse({
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
      type: 'model.built',
      model: 'dim_design',
      kind: 'dimension',
      table: 'design',
      object,
    });
    const marks: string[] = [];
    const ports: LoaderPorts = {
      readColumns: lake.readColumns,
      writer: createWarehouseWriter({
        pool,
        ...schemas,
        runs: { markLoaded: async (_client, extractionId) => void marks.push(extractionId) },
        loadParallelism: 3,
        partsPerTransaction: 2,
      }),
      namespaces: lineageNamespaces({
        stage: 'dev',
        sourceUrl: 'postgres://source.example:5432/totesys',
        warehouseUrl: postgres.url('warehouse'),
        warehouseSchema: schemas.warehouseSchema,
        lakeUrl: lake.url,
      }),
    };

    const first = await loadBuiltModel(message, ports);
    const second = await loadBuiltModel(message, ports);

    const { rows } = await pool.query<{ n: number; names: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT design_name)::int AS names FROM warehouse.dim_design',
    );
    const { rows: parts } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM totes_state.load_ledger_part WHERE message_id = $1',
      [message.id],
    );
    expect(object.parts).toHaveLength(7);
    expect(first).toMatchObject({ rows: { received: 25, written: 25 }, firstDelivery: true });
    expect(second).toMatchObject({ rows: { received: 0, written: 0 }, firstDelivery: false });
    expect(rows).toEqual([{ n: 25, names: 25 }]);
    expect(parts).toEqual([{ n: 7 }]);
    expect(marks).toEqual([message.causationId]);
  });
});
