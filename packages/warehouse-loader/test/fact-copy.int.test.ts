import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import {
  type FactModel,
  findModel,
  processedColumnsOf,
  type Row,
  type WarehouseModel,
  warehouseModels,
} from '@totes/model';
import { type ColumnBatch, columnBatchOf } from '@totes/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimensionsNotReadyError } from '../src/errors';
import { migrateWarehouse } from '../src/migrate';
import { createWarehouseWriter, type LoadEntry, type WarehouseWriter } from '../src/warehouse-writer';
import { processedRows } from './processed-rows';

// A fact dataset in parts is copied straight into its table while every version in it is new, and merged from a
// staging table once one is not: either way each version is in the table once, and only with its dimension rows.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const factPayment = findModel('fact_payment') as FactModel;
const payments = processedRows(factPayment, 0);
const rowsPerPart = 5;

let postgres: TestPostgres;
let pool: pg.Pool;
/** The SQL each load transaction ran, COPYs included, to tell the two paths apart. */
const statements: string[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
  await postgres.ensureDatabase('warehouse');
  pool = new pg.Pool({ connectionString: postgres.url('warehouse') });
  await migrateWarehouse(pool, schemas);
  const writer = writerOf(pool);
  for (const model of warehouseModels.filter((candidate) => candidate.kind === 'dimension'))
    await loadRows(writer, model, processedRows(model, 0));
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
});

function writerOf(db: pg.Pool): WarehouseWriter {
  return createWarehouseWriter({
    pool: db,
    ...schemas,
    runs: { markLoaded: async () => {} },
    loadParallelism: 2,
    partsPerTransaction: 2,
  });
}

/** A pool whose clients, as the load transactions take them, note each statement's text. */
function recordingPool(): pg.Pool {
  const record = (client: pg.PoolClient) =>
    new Proxy(client, {
      get(inner, name) {
        if (name !== 'query') return Reflect.get(inner, name);
        return (query: string | { text?: string }, ...rest: unknown[]) => {
          statements.push(typeof query === 'string' ? query : String(query.text ?? ''));
          return (inner.query as (...args: unknown[]) => unknown).apply(inner, [query, ...rest]);
        };
      },
    });
  return new Proxy(pool, {
    get(target, property) {
      if (property !== 'connect') return Reflect.get(target, property);
      // pool.query connects with a callback: that client is left as it is.
      return (...args: unknown[]) =>
        args.length > 0
          ? (target.connect as (...a: unknown[]) => unknown)(...args)
          : target.connect().then(record);
    },
  });
}

/** Loads `rows` as one message, in parts of {@link rowsPerPart} rows. */
async function loadRows(writer: WarehouseWriter, model: WarehouseModel, rows: readonly Row[]) {
  const parts = Array.from({ length: Math.ceil(rows.length / rowsPerPart) }, (_, part) =>
    rows.slice(part * rowsPerPart, (part + 1) * rowsPerPart),
  );
  const entry: LoadEntry = {
    messageId: crypto.randomUUID(),
    runId: crypto.randomUUID(),
    model,
    table: model.name,
    extractionId: null,
  };
  const readPart = async function* (part: number): AsyncIterable<ColumnBatch> {
    yield columnBatchOf(processedColumnsOf(model), parts[part] ?? []);
  };
  return writer.load(entry, await writer.progress(entry.messageId, parts.length), readPart);
}

async function paymentVersions(): Promise<{ total: number; distinct: number }> {
  const { rows } = await pool.query<{ total: number; distinct: number }>(
    `SELECT count(*)::int AS total,
            count(DISTINCT (payment_id, last_updated_date, last_updated_time))::int AS distinct
     FROM warehouse.fact_payment`,
  );
  return rows[0] ?? { total: 0, distinct: 0 };
}

const straightCopies = () => statements.filter((sql) => sql.startsWith('COPY "warehouse"."fact_payment"'));
const stagings = () => statements.filter((sql) => sql.startsWith('CREATE TEMP TABLE'));

describe('a fact dataset in parts', () => {
  it('is copied straight into its table when every version is new, each row once', async () => {
    statements.length = 0;
    const first = payments.slice(0, 40);

    const outcome = await loadRows(writerOf(recordingPool()), factPayment, first);

    expect(outcome).toMatchObject({ received: 40, written: 40, firstDelivery: true });
    expect(await paymentVersions()).toEqual({ total: 40, distinct: 40 });
    expect(straightCopies().length).toBeGreaterThan(0);
    expect(stagings()).toEqual([]);
  });

  it('is merged from staging once a chunk holds a version the table has, writing only the new ones', async () => {
    statements.length = 0;
    const again = payments.slice(20, 60);

    const outcome = await loadRows(writerOf(recordingPool()), factPayment, again);

    expect(outcome).toMatchObject({ received: 40, written: 20 });
    expect(await paymentVersions()).toEqual({ total: 60, distinct: 60 });
    expect(stagings().length).toBeGreaterThan(0);
  });

  it('holding a version twice, loads it once', async () => {
    const twice = [...payments.slice(60, 64), payments[60] as Row, ...payments.slice(64, 69)];

    const outcome = await loadRows(writerOf(pool), factPayment, twice);

    expect(outcome).toMatchObject({ received: 10, written: 9 });
    expect(await paymentVersions()).toEqual({ total: 69, distinct: 69 });
  });

  it('loaded twice at once, as two messages, holds each version once', async () => {
    const rows = payments.slice(69, 109);

    const outcomes = await Promise.all([
      loadRows(writerOf(pool), factPayment, rows),
      loadRows(writerOf(pool), factPayment, rows),
    ]);

    expect(outcomes.map((outcome) => outcome.written).reduce((sum, written) => sum + written)).toBe(40);
    expect(await paymentVersions()).toEqual({ total: 109, distinct: 109 });
  });

  it('referencing a dimension row the warehouse does not hold, is not loaded', async () => {
    const orphan = { ...(payments[115] as Row), transaction_id: 2_000_000_000 };
    const rows = [...payments.slice(109, 115), orphan];

    const error = await loadRows(writerOf(pool), factPayment, rows).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DimensionsNotReadyError);
    expect((error as DimensionsNotReadyError).missing).toEqual([
      { dimension: 'dim_transaction', keys: ['2000000000'] },
    ]);
    const { rows: loaded } = await pool.query(
      'SELECT 1 FROM warehouse.fact_payment WHERE transaction_id = 2000000000',
    );
    expect(loaded).toEqual([]);
  });
});
