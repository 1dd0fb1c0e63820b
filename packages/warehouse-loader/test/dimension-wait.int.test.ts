import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { type FactModel, findModel } from '@totes/model';
import { type ColumnBatch, columnBatchOf, createRunLedger } from '@totes/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimensionsNotReadyError } from '../src/errors';
import { migrateWarehouse } from '../src/migrate';
import { referenceColumnsOf } from '../src/reference-keys';
import { createWarehouseWriter, type WarehouseWriterOptions } from '../src/warehouse-writer';

// How a fact's check before its load waits for dimension rows: in place, holding no transaction, for as long as
// they keep arriving or a run is still to load their dimension; then the message is deferred.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const factPayment = findModel('fact_payment') as FactModel;
const transactionColumn = referenceColumnsOf(factPayment).filter(
  (column) => column.name === 'transaction_id',
);

let postgres: TestPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  postgres = await startTestPostgres();
  await postgres.ensureDatabase('warehouse');
  pool = new pg.Pool({ connectionString: postgres.url('warehouse') });
  await migrateWarehouse(pool, schemas);
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
});

/** The transaction column of payments that reference `ids`: the other references are not asked about. */
async function* paymentsOf(ids: readonly number[]): AsyncIterable<ColumnBatch> {
  yield columnBatchOf(
    transactionColumn,
    ids.map((id) => ({ transaction_id: id })),
  );
}

async function loadTransactions(ids: readonly number[]): Promise<void> {
  await pool.query(
    `INSERT INTO warehouse.dim_transaction (transaction_id, transaction_type, _source_version)
     SELECT id, 'SALE', '' FROM unnest($1::integer[]) AS id`,
    [ids],
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function writerWith(options: Partial<WarehouseWriterOptions>) {
  return createWarehouseWriter({ pool, ...schemas, runs: { markLoaded: async () => {} }, ...options });
}

describe('the wait of a fact check for its dimension rows', () => {
  it('waits in place while a run is still to load the dimension, and ends once its rows are in', async () => {
    const asked: [string, readonly string[]][] = [];
    const writer = writerWith({
      dimensionWaitMs: 100,
      dimensionWaitLimitMs: 30_000,
      runs: {
        markLoaded: async () => {},
        loadDue: async (model, tables) => {
          asked.push([model, tables]);
          return true;
        },
      },
    });

    const check = writer.checkDimensions(factPayment, paymentsOf([501, 502, 503]));
    await sleep(1_500);
    await loadTransactions([501, 502, 503]);

    // It says how long it waited: the load does not count that as its own time.
    expect(await check).toBeGreaterThanOrEqual(1_000);
    expect(asked[0]).toEqual(['dim_transaction', ['transaction']]);
  });

  it('keeps waiting while the missing rows arrive, and defers once none has arrived for the idle wait', async () => {
    const writer = writerWith({ dimensionWaitMs: 2_000, dimensionWaitLimitMs: 30_000 });

    const check = writer.checkDimensions(factPayment, paymentsOf([511, 512, 513, 514, 515, 516]));
    for (const id of [511, 512, 513, 514, 515]) {
      await sleep(400);
      await loadTransactions([id]);
    }
    const error = await check.catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DimensionsNotReadyError);
    expect((error as DimensionsNotReadyError).missing).toEqual([
      { dimension: 'dim_transaction', keys: ['516'] },
    ]);
  });

  it('gives up at its limit even while a run is still to load the dimension', async () => {
    const writer = writerWith({
      dimensionWaitMs: 100,
      dimensionWaitLimitMs: 600,
      runs: { markLoaded: async () => {}, loadDue: async () => true },
    });

    const error = await writer
      .checkDimensions(factPayment, paymentsOf([521]))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DimensionsNotReadyError);
  });
});

describe('the run ledger, asked whether a run is still to load a dimension', () => {
  it('says so until the extraction of its table has loaded it, and never for a run without the table', async () => {
    const runs = createRunLedger(pool, schemas.stateSchema, ['transaction', 'payment']);
    const due = () => runs.loadDue('dim_transaction', ['transaction']);
    const runId = crypto.randomUUID();
    const extractionId = crypto.randomUUID();
    await runs.startRun(crypto.randomUUID(), ['payment']);
    const beforeAnyRun = await due();

    await runs.startRun(runId, ['transaction', 'payment']);
    const notExtracted = await due();
    await runs.recordExtraction({
      extractionId,
      runId,
      table: 'transaction',
      windowAfter: null,
      lastRow: { lastUpdated: '2026-01-01T00:00:00.000', id: 1 },
      rows: 1,
      models: ['dim_transaction'],
    });
    const extracted = await due();
    const client = await pool.connect();
    await runs.markLoaded(client, extractionId, 'dim_transaction').finally(() => client.release());

    expect([beforeAnyRun, notExtracted, extracted, await due()]).toEqual([false, true, true, false]);
  });
});
