import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { type FactModel, findModel, processedColumnsOf, type Row } from '@totes/model';
import { type ColumnBatch, columnBatchOf } from '@totes/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimensionsNotReadyError } from '../src/errors';
import { migrateWarehouse } from '../src/migrate';
import { referenceColumnsOf } from '../src/reference-keys';
import { createWarehouseWriter, type LoadEntry, type WarehouseWriterOptions } from '../src/warehouse-writer';

// The warehouse's foreign keys are NOT ENFORCED: the check of the staged rows inside the load's transaction is what
// keeps a fact from referencing a dimension row the warehouse does not hold.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const factPayment = findModel('fact_payment') as FactModel;
const dimDesign = findModel('dim_design')!;

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
    const writer = createWarehouseWriter({ pool, ...schemas, runs: { markLoaded: async () => {} } });
    const load = entry(crypto.randomUUID());

    const error = await writer
      .load(load, await writer.progress(load.messageId, 1), () => batches([payment]))
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

  it('leaves the references of parts its ready check passed to that check, and does not look them up again', async () => {
    const writer = createWarehouseWriter({ pool, ...schemas, runs: { markLoaded: async () => {} } });
    const load = entry(crypto.randomUUID());
    const asked: (readonly number[])[] = [];
    // A check that passes what the warehouse cannot back: only a check that asks every key may be given as ready.
    const ready = async (parts: readonly number[]) => void asked.push(parts);
    const version = { ...payment, payment_id: 2 };

    await writer.load(load, await writer.progress(load.messageId, 1), () => batches([version]), ready);

    expect(asked).toEqual([[0]]);
    expect(await count('warehouse.fact_payment WHERE payment_id = 2')).toBe(1);
  });
});

describe('a dataset of many parts', () => {
  const partCount = 7;
  const rowsPerPart = 3;
  const designId = (base: number, part: number, row: number) => base + part * rowsPerPart + row;

  /** A dataset of dim_design rows in parts, each part counting how often it is read. */
  function dataset(base: number, options: { failAt?: number; delayMs?: number } = {}) {
    const reads = Array.from({ length: partCount }, () => 0);
    const readPart = async function* (part: number): AsyncIterable<ColumnBatch> {
      reads[part] = (reads[part] ?? 0) + 1;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (part === options.failAt) throw new Error(`part ${part} cannot be read`);
      yield columnBatchOf(
        processedColumnsOf(dimDesign),
        Array.from({ length: rowsPerPart }, (_, row) => ({
          design_id: designId(base, part, row),
          design_name: `Design ${designId(base, part, row)}`,
          file_location: '/designs',
          file_name: `${designId(base, part, row)}.png`,
          _source_version: '2026-01-01T00:00:00.000',
          _deleted_at: null,
        })),
      );
    };
    return { reads, readPart };
  }

  function writerWith(options: Partial<WarehouseWriterOptions> = {}) {
    const marks: string[] = [];
    const writer = createWarehouseWriter({
      pool,
      ...schemas,
      runs: { markLoaded: async (_client, extractionId) => void marks.push(extractionId) },
      ...options,
    });
    return { writer, marks };
  }

  function designEntry(): LoadEntry {
    return {
      messageId: crypto.randomUUID(),
      runId: crypto.randomUUID(),
      model: dimDesign,
      table: 'design',
      extractionId: crypto.randomUUID(),
    };
  }

  async function ledgerOf(messageId: string) {
    const { rows: message } = await pool.query(
      'SELECT rows_received, rows_written FROM totes_state.load_ledger WHERE message_id = $1',
      [messageId],
    );
    const { rows: parts } = await pool.query<{ part: number }>(
      'SELECT part FROM totes_state.load_ledger_part WHERE message_id = $1 ORDER BY part',
      [messageId],
    );
    return { message, parts: parts.map((row) => row.part) };
  }

  const designsFrom = (base: number) =>
    count(`warehouse.dim_design WHERE design_id BETWEEN ${base} AND ${base + partCount * rowsPerPart - 1}`);
  const allParts = Array.from({ length: partCount }, (_, part) => part);

  it('asks before each transaction whether its parts may load, once the chunks before it are committed', async () => {
    const { writer } = writerWith({ loadParallelism: 1, partsPerTransaction: 3 });
    const load = designEntry();
    const asked: { parts: number[]; loadedBefore: number }[] = [];
    const ready = async (parts: readonly number[]) => {
      asked.push({ parts: [...parts], loadedBefore: await designsFrom(70_000) });
    };

    await writer.load(
      load,
      await writer.progress(load.messageId, partCount),
      dataset(70_000).readPart,
      ready,
    );

    expect(asked).toEqual([
      { parts: [0, 1, 2], loadedBefore: 0 },
      { parts: [3, 4, 5], loadedBefore: 3 * rowsPerPart },
      { parts: [6], loadedBefore: 6 * rowsPerPart },
    ]);
    expect(await designsFrom(70_000)).toBe(partCount * rowsPerPart);
  });

  it('loads none of a chunk whose parts may not load, keeps the chunks before it, and a redelivery loads the rest', async () => {
    const { writer } = writerWith({ loadParallelism: 1, partsPerTransaction: 3 });
    const load = designEntry();
    const notYet = async (parts: readonly number[]) => {
      if (parts.includes(3)) throw new Error('dimension rows not loaded yet');
    };

    const error = await writer
      .load(load, await writer.progress(load.messageId, partCount), dataset(80_000).readPart, notYet)
      .catch((caught: unknown) => caught);
    const afterFailure = await designsFrom(80_000);
    const outcome = await writer.load(
      load,
      await writer.progress(load.messageId, partCount),
      dataset(80_000).readPart,
    );

    expect(error).toBeInstanceOf(Error);
    expect(afterFailure).toBe(3 * rowsPerPart);
    expect(outcome).toMatchObject({ received: 21, written: 21, firstDelivery: true });
    expect(await designsFrom(80_000)).toBe(partCount * rowsPerPart);
  });

  it('keeps a newer version of a dimension row the warehouse holds when the rest of the dataset is copied straight', async () => {
    await pool.query(
      `INSERT INTO warehouse.dim_design (design_id, design_name, file_location, file_name, _source_version)
       VALUES (90004, 'Newer', '/designs', '90004.png', '2027-01-01 00:00:00')`,
    );
    const { writer } = writerWith({ loadParallelism: 1, partsPerTransaction: 2 });
    const load = designEntry();

    const outcome = await writer.load(
      load,
      await writer.progress(load.messageId, partCount),
      dataset(90_000).readPart,
    );

    const { rows } = await pool.query('SELECT design_name FROM warehouse.dim_design WHERE design_id = 90004');
    expect(rows).toEqual([{ design_name: 'Newer' }]);
    expect(await designsFrom(90_000)).toBe(partCount * rowsPerPart);
    expect(outcome).toMatchObject({ received: 21, written: 20, firstDelivery: true });
  });

  it('loads every part once, in parallel transactions, and records each part and then the message', async () => {
    const { writer, marks } = writerWith({ loadParallelism: 3, partsPerTransaction: 2 });
    const load = designEntry();
    const { reads, readPart } = dataset(10_000);

    const outcome = await writer.load(load, await writer.progress(load.messageId, partCount), readPart);

    expect(outcome).toEqual({ received: 21, written: 21, firstDelivery: true });
    expect(reads).toEqual(allParts.map(() => 1));
    expect(await designsFrom(10_000)).toBe(21);
    expect(await ledgerOf(load.messageId)).toEqual({
      message: [{ rows_received: 21, rows_written: 21 }],
      parts: allParts,
    });
    expect(marks).toEqual([load.extractionId]);
  });

  it('holds no more load transactions at once than its gate allows, whatever the messages under way', async () => {
    const { writer } = writerWith({ loadParallelism: 2, partsPerTransaction: 1, maxTransactions: 2 });
    let reading = 0;
    let mostAtOnce = 0;
    const counted = (readPart: (part: number) => AsyncIterable<ColumnBatch>) =>
      async function* (part: number): AsyncIterable<ColumnBatch> {
        reading++;
        mostAtOnce = Math.max(mostAtOnce, reading);
        try {
          yield* readPart(part);
        } finally {
          reading--;
        }
      };
    const loads = [designEntry(), designEntry()];
    const datasets = [dataset(100_000, { delayMs: 20 }), dataset(101_000, { delayMs: 20 })];

    await Promise.all(
      loads.map(async (load, index) =>
        writer.load(
          load,
          await writer.progress(load.messageId, partCount),
          counted(datasets[index]!.readPart),
        ),
      ),
    );

    expect(mostAtOnce).toBe(2);
    expect(await designsFrom(100_000)).toBe(21);
    expect(await designsFrom(101_000)).toBe(21);
  });

  it('after a failure between parts, keeps the committed parts, and a redelivery loads only the rest', async () => {
    const { writer, marks } = writerWith({ loadParallelism: 1, partsPerTransaction: 2 });
    const load = designEntry();
    const failing = dataset(20_000, { failAt: 4 });
    const retried = dataset(20_000);

    const failure = await writer
      .load(load, await writer.progress(load.messageId, partCount), failing.readPart)
      .catch((error: unknown) => error);
    const afterFailure = await ledgerOf(load.messageId);
    const redelivery = await writer.progress(load.messageId, partCount);
    const outcome = await writer.load(load, redelivery, retried.readPart);
    const third = await writer.progress(load.messageId, partCount);

    expect(String(failure)).toMatch(/part 4 cannot be read/);
    expect(afterFailure).toEqual({ message: [], parts: [0, 1, 2, 3] });
    expect(redelivery.pending).toEqual([4, 5, 6]);
    expect(retried.reads).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(outcome).toEqual({ received: 21, written: 21, firstDelivery: true });
    expect(marks).toEqual([load.extractionId]);
    expect(third).toEqual({ partCount, done: true, pending: [] });
    expect(await writer.load(load, third, retried.readPart)).toEqual({
      received: 0,
      written: 0,
      firstDelivery: false,
    });
    expect(await designsFrom(20_000)).toBe(21);
  });

  it('loads each part once when a second delivery, with another plan, starts while the first is loading', async () => {
    const first = writerWith({ loadParallelism: 1, partsPerTransaction: 1 });
    const second = writerWith({ loadParallelism: 1, partsPerTransaction: 2 });
    const load = designEntry();
    const one = dataset(30_000, { delayMs: 30 });
    const other = dataset(30_000, { delayMs: 30 });

    const loading = first.writer.load(
      load,
      await first.writer.progress(load.messageId, partCount),
      one.readPart,
    );
    await new Promise((resolve) => setTimeout(resolve, 45));
    // Its chunks of two each begin with a part the first delivery is loading, and end with one it is not loading
    // yet: it must load only the part it claims.
    const outcomes = await Promise.all([
      loading,
      second.writer.load(load, await second.writer.progress(load.messageId, partCount), other.readPart),
    ]);

    expect(allParts.map((part) => (one.reads[part] ?? 0) + (other.reads[part] ?? 0))).toEqual(
      allParts.map(() => 1),
    );
    expect(outcomes.filter((outcome) => outcome.firstDelivery)).toEqual([
      { received: 21, written: 21, firstDelivery: true },
    ]);
    expect(outcomes.filter((outcome) => !outcome.firstDelivery)).toEqual([
      { received: 0, written: 0, firstDelivery: false },
    ]);
    expect([...first.marks, ...second.marks]).toEqual([load.extractionId]);
    expect(await designsFrom(30_000)).toBe(21);
    expect((await ledgerOf(load.messageId)).parts).toEqual(allParts);
  });

  it('after a failure once every part is in, records the message on redelivery without reading a part', async () => {
    const load = designEntry();
    const failing = createWarehouseWriter({
      pool,
      ...schemas,
      runs: {
        markLoaded: async () => {
          throw new Error('run ledger unavailable');
        },
      },
    });
    const { writer, marks } = writerWith();
    const first = dataset(60_000);
    const second = dataset(60_000);

    const failure = await failing
      .load(load, await failing.progress(load.messageId, partCount), first.readPart)
      .catch((error: unknown) => error);
    const redelivery = await writer.progress(load.messageId, partCount);
    const outcome = await writer.load(load, redelivery, second.readPart);

    expect(String(failure)).toMatch(/run ledger unavailable/);
    expect(redelivery).toEqual({ partCount, done: false, pending: [] });
    expect(second.reads).toEqual(allParts.map(() => 0));
    expect(outcome).toEqual({ received: 21, written: 21, firstDelivery: true });
    expect(marks).toEqual([load.extractionId]);
  });

  it('loads nothing again of a message the ledger holds without parts, as one loaded before parts were recorded', async () => {
    const { writer, marks } = writerWith();
    const load = designEntry();
    const { reads, readPart } = dataset(40_000);
    await pool.query(
      `INSERT INTO totes_state.load_ledger (message_id, run_id, model, source_table, rows_received, rows_written)
       VALUES ($1, $2, 'dim_design', 'design', 21, 21)`,
      [load.messageId, load.runId],
    );
    // A plan made before the message's row was there: the claims still see it.
    const stale = { partCount, done: false, pending: allParts };

    const outcome = await writer.load(load, stale, readPart);

    expect(outcome).toEqual({ received: 0, written: 0, firstDelivery: false });
    expect(reads).toEqual(allParts.map(() => 0));
    expect(marks).toEqual([]);
    expect(await designsFrom(40_000)).toBe(0);
  });

  it('loads a dataset of one part in one transaction, asking the warehouse nothing first and recording no part', async () => {
    const unreachable = {
      query: () => Promise.reject(new Error('asked the warehouse')),
    } as unknown as pg.Pool;
    const load = designEntry();
    const { writer } = writerWith();
    const { readPart } = dataset(50_000);

    const progress = await createWarehouseWriter({
      pool: unreachable,
      ...schemas,
      runs: { markLoaded: async () => {} },
    }).progress(load.messageId, 1);
    const outcome = await writer.load(load, progress, readPart);

    expect(progress).toEqual({ partCount: 1, done: false, pending: [0] });
    expect(outcome).toEqual({ received: 3, written: 3, firstDelivery: true });
    expect(await ledgerOf(load.messageId)).toEqual({
      message: [{ rows_received: 3, rows_written: 3 }],
      parts: [],
    });
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
