import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import {
  type CalendarDimension,
  deriveCalendarRow,
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
import { migrateWarehouse } from '../src/migrate';
import { createWarehouseWriter, type WarehouseWriter } from '../src/warehouse-writer';
import { processedRows } from './processed-rows';

// The loader keeps each fact's current-rows table (the latest version of each source row, a deletion as its
// tombstone) in the load's own transaction, on both of its paths: a dataset of one part is staged and merged; one in
// parts whose versions are all new is copied straight into the fact. Every test ends with the table equal to what
// it summarises: the fact's latest version per source key.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const factPayment = findModel('fact_payment') as FactModel;
const payments = processedRows(factPayment, 0);
const rowsPerPart = 5;

let postgres: TestPostgres;
let pool: pg.Pool;
let writer: WarehouseWriter;
beforeAll(async () => {
  postgres = await startTestPostgres();
  await postgres.ensureDatabase('warehouse');
  pool = new pg.Pool({ connectionString: postgres.url('warehouse') });
  await migrateWarehouse(pool, schemas);
  writer = createWarehouseWriter({
    pool,
    ...schemas,
    runs: { markLoaded: async () => {} },
    loadParallelism: 2,
    partsPerTransaction: 2,
  });
  for (const model of warehouseModels.filter((candidate) => candidate.kind === 'dimension'))
    await load(model, processedRows(model, 0), 'parts');
  // The days the tests' versions are updated on, 2026's first quarter: a fact's version references its day.
  const calendar = findModel('dim_date') as CalendarDimension;
  const days = Array.from({ length: 90 }, (_, index) => new Date(Date.UTC(2026, 0, 1 + index)));
  await load(
    calendar,
    days.map((day) => deriveCalendarRow(calendar, day.toISOString().slice(0, 10))),
    'whole',
  );
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
});

/**
 * Loads `rows` as one message: `whole` is one part (staged and merged); `parts` is parts of {@link rowsPerPart}
 * rows (copied straight while every version is new). A message id given again is a redelivery.
 */
async function load(
  model: WarehouseModel,
  rows: readonly Row[],
  shape: 'whole' | 'parts',
  messageId?: string,
) {
  const size = shape === 'whole' ? Math.max(rows.length, 1) : rowsPerPart;
  const parts = Array.from({ length: Math.ceil(rows.length / size) }, (_, part) =>
    rows.slice(part * size, (part + 1) * size),
  );
  const entry = {
    messageId: messageId ?? crypto.randomUUID(),
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

/** A version of a payment: updated on `day`, with this amount, and deleted when `deleted`. */
function version(payment: Row, day: string, amount: string, deleted = false): Row {
  return {
    ...payment,
    last_updated_date: day,
    last_updated_time: '12:00:00.000',
    payment_amount: amount,
    _deleted_at: deleted ? `${day}T12:00:00.000` : null,
  };
}

/** The current row of a payment, as the table keeps it. */
async function currentOf(paymentId: unknown): Promise<{ amount: string; deleted: boolean } | undefined> {
  const { rows } = await pool.query<{ amount: string; deleted: boolean }>(
    `SELECT payment_amount::text AS amount, _deleted_at IS NOT NULL AS deleted
     FROM warehouse.fact_payment_current WHERE payment_id = $1`,
    [paymentId],
  );
  return rows[0];
}

/** Rows in one of the current-rows table and the fact's latest versions but not the other: none when they agree. */
async function disagreements(): Promise<number> {
  const latest = `SELECT DISTINCT ON (payment_id) payment_id, created_date, created_time, last_updated_date,
      last_updated_time, transaction_id, counterparty_id, payment_amount, currency_id, payment_type_id, paid,
      payment_date, _deleted_at
    FROM warehouse.fact_payment ORDER BY payment_id, last_updated_date DESC, last_updated_time DESC`;
  const current = 'SELECT * FROM warehouse.fact_payment_current';
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ((${latest}) EXCEPT ALL (${current})
       UNION ALL ((${current}) EXCEPT ALL (${latest}))) AS differing`,
  );
  return rows[0]?.n ?? -1;
}

const [first, second, third] = payments as [Row, Row, Row];

describe("a fact's current rows", () => {
  it('hold one row per source row after a first load in parts, copied straight', async () => {
    const firstLoad = payments.slice(0, 40);

    await load(factPayment, firstLoad, 'parts');

    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM warehouse.fact_payment_current',
    );
    expect(rows[0]?.n).toBe(40);
    expect(await disagreements()).toBe(0);
  });

  it('take a newer version of a row, staged and merged', async () => {
    await load(factPayment, [version(first, '2026-01-10', '10.00')], 'whole');

    expect(await currentOf(first.payment_id)).toEqual({ amount: '10.00', deleted: false });
    expect(await disagreements()).toBe(0);
  });

  it('take a newer version of a row copied straight into the fact, as every version in it is new', async () => {
    const newer = payments.slice(1, 11).map((payment) => version(payment, '2026-01-11', '11.00'));

    await load(factPayment, newer, 'parts');

    expect(await currentOf(second.payment_id)).toEqual({ amount: '11.00', deleted: false });
    expect(await disagreements()).toBe(0);
  });

  it('keep the newer version when an older one arrives after it, on either path', async () => {
    await load(factPayment, [version(first, '2026-01-05', '5.00')], 'whole');
    await load(
      factPayment,
      payments.slice(1, 11).map((payment) => version(payment, '2026-01-06', '6.00')),
      'parts',
    );

    expect(await currentOf(first.payment_id)).toEqual({ amount: '10.00', deleted: false });
    expect(await currentOf(second.payment_id)).toEqual({ amount: '11.00', deleted: false });
    expect(await disagreements()).toBe(0);
  });

  it('keep a deletion as its tombstone, which an older version arriving later does not undo', async () => {
    await load(factPayment, [version(third, '2026-02-01', '11.00', true)], 'whole');
    await load(factPayment, [version(third, '2026-01-20', '20.00')], 'whole');

    expect(await currentOf(third.payment_id)).toEqual({ amount: '11.00', deleted: true });
    expect(await disagreements()).toBe(0);
  });

  it('take the latest of several versions of one row in one load', async () => {
    const versions = [
      version(first, '2026-03-02', '32.00'),
      version(first, '2026-03-03', '33.00'),
      version(first, '2026-03-01', '31.00'),
    ];

    await load(factPayment, versions, 'whole');

    expect(await currentOf(first.payment_id)).toEqual({ amount: '33.00', deleted: false });
    expect(await disagreements()).toBe(0);
  });

  it('are unchanged by a redelivery, or by the same rows in another message', async () => {
    const rows = payments.slice(40, 60);
    const messageId = crypto.randomUUID();
    await load(factPayment, rows, 'parts', messageId);
    const before = await pool.query('SELECT * FROM warehouse.fact_payment_current ORDER BY payment_id');

    await load(factPayment, rows, 'parts', messageId);
    await load(factPayment, rows, 'parts');
    await load(factPayment, rows, 'whole');

    const after = await pool.query('SELECT * FROM warehouse.fact_payment_current ORDER BY payment_id');
    expect(after.rows).toEqual(before.rows);
    expect(await disagreements()).toBe(0);
  });

  it('are filled from the fact by the migration when the table is new to a loaded warehouse', async () => {
    await pool.query('DROP TABLE warehouse.fact_payment_current');

    await migrateWarehouse(pool, schemas);

    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM warehouse.fact_payment_current',
    );
    expect(rows[0]?.n).toBe(60);
    expect(await currentOf(first.payment_id)).toEqual({ amount: '33.00', deleted: false });
    expect(await disagreements()).toBe(0);
  });
});
