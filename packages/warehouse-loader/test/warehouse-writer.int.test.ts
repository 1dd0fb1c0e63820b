import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { type FactModel, findModel, processedColumnsOf, type Row } from '@totes/model';
import { type ColumnBatch, columnBatchOf } from '@totes/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimensionsNotReadyError } from '../src/errors';
import { migrateWarehouse } from '../src/migrate';
import { createWarehouseWriter, type LoadEntry, referenceColumnsOf } from '../src/warehouse-writer';

// The warehouse's foreign keys are NOT ENFORCED: the check of the staged rows inside the load's transaction is what
// keeps a fact from referencing a dimension row the warehouse does not hold.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const factPayment = findModel('fact_payment') as FactModel;

const payment: Row = {
  payment_id: 1,
  created_date: '2024-01-02',
  created_time: '10:00:00.000',
  last_updated_date: '2024-01-02',
  last_updated_time: '10:00:00.000',
  transaction_id: 7,
  counterparty_id: 3,
  payment_amount: '12.50',
  currency_id: 1,
  payment_type_id: 2,
  paid: false,
  payment_date: '2024-01-09',
  _deleted_at: null,
};

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

function entry(messageId: string): LoadEntry {
  return { messageId, runId: crypto.randomUUID(), model: factPayment, table: 'payment', extractionId: null };
}

async function* batches(rows: Row[]): AsyncIterable<ColumnBatch> {
  yield columnBatchOf(processedColumnsOf(factPayment), rows);
}

async function count(sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return rows[0]?.n ?? 0;
}

describe('a fact load on a warehouse whose foreign keys are not enforced', () => {
  it('writes nothing and names every missing dimension row when the staged rows reference ones not loaded', async () => {
    const error = await createWarehouseWriter({ pool, ...schemas, runs: { markLoaded: async () => {} } })
      .load(entry(crypto.randomUUID()), batches([payment]))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DimensionsNotReadyError);
    expect((error as DimensionsNotReadyError).missing).toEqual([
      { dimension: 'dim_date', keys: ['2024-01-02'] },
      { dimension: 'dim_date', keys: ['2024-01-02'] },
      { dimension: 'dim_transaction', keys: ['7'] },
      { dimension: 'dim_counterparty', keys: ['3'] },
      { dimension: 'dim_currency', keys: ['1'] },
      { dimension: 'dim_payment_type', keys: ['2'] },
      { dimension: 'dim_date', keys: ['2024-01-09'] },
    ]);
    expect(await count('warehouse.fact_payment')).toBe(0);
    expect(await count('totes_state.load_ledger')).toBe(0);
  });
});

describe('the check of a fact batch against its dimensions, from its reference columns', () => {
  it('names the missing dimension rows, dates as days, before anything is loaded', async () => {
    const writer = createWarehouseWriter({
      pool,
      ...schemas,
      runs: { markLoaded: async () => {} },
      dimensionWaitMs: 0,
    });
    const references = referenceColumnsOf(factPayment);
    async function* columns(): AsyncIterable<ColumnBatch> {
      yield columnBatchOf(references, [
        payment,
        { ...payment, payment_date: '2024-01-10', transaction_id: 8 },
      ]);
    }

    const error = await writer.checkDimensions(factPayment, columns()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DimensionsNotReadyError);
    expect((error as DimensionsNotReadyError).missing).toEqual([
      { dimension: 'dim_date', keys: ['2024-01-02'] },
      { dimension: 'dim_date', keys: ['2024-01-02'] },
      { dimension: 'dim_transaction', keys: ['7', '8'] },
      { dimension: 'dim_counterparty', keys: ['3'] },
      { dimension: 'dim_currency', keys: ['1'] },
      { dimension: 'dim_payment_type', keys: ['2'] },
      { dimension: 'dim_date', keys: ['2024-01-09', '2024-01-10'] },
    ]);
  });
});
