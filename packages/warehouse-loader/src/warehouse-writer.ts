import { dependenciesOf, type FactModel, processedColumnsOf, type WarehouseModel } from '@totes/model';
import { type ColumnBatch, KillStep, killPoint, type RunLedger } from '@totes/runtime';
import type pg from 'pg';
import { currentRowsFromStagingSql } from './current-rows';
import { checkDimensions, type DimensionWait } from './dimension-check';
import { LoadIncompleteError } from './errors';
import { type LoadTotals, loadLedger } from './load-ledger';
import { partChunks, runPool } from './part-plan';
import { assertReferencesPresent, referenceKeys } from './reference-keys';
import { copyIntoStaging, mergeSql, stagingDdl } from './staging';
import { copiesStraight, copyStraight, tap } from './straight-copy';
import { createTransactionGate, type TransactionGate } from './transaction-gate';

/** The ledger entry that makes a load idempotent. */
export interface LoadEntry {
  readonly messageId: string;
  readonly runId: string;
  readonly model: WarehouseModel;
  readonly table: string;
  /** The extraction this load completes a part of, in the run ledger. */
  readonly extractionId: string | null;
}

/** What a load did. */
export interface LoadOutcome {
  /**
   * The message's rows, read and written, as counted by the delivery that completed its load (for a dataset loaded
   * in parts, over every delivery that loaded a part); none for any other delivery.
   */
  readonly received: number;
  readonly written: number;
  /** True for the one delivery that recorded the message as loaded; false for every other. */
  readonly firstDelivery: boolean;
}

/** Where a message's load stands before it starts. */
export interface LoadProgress {
  /** The parts of the message's dataset. */
  readonly partCount: number;
  /** The message is known to be loaded: nothing is left to do. */
  readonly done: boolean;
  /** The indexes of the parts still to load, ascending. */
  readonly pending: readonly number[];
}

/** Reads one part of a message's dataset, by index, in column batches. */
export type PartReader = (part: number) => AsyncIterable<ColumnBatch>;

/**
 * Waits until the rows of some parts may be loaded (a fact's dimension check), or throws to put the message back.
 * Called before each transaction, with the parts it is about to load, and outside it: the wait holds no lock.
 */
export type PartsReady = (parts: readonly number[]) => Promise<void>;

/** Loads processed rows into the warehouse. */
export interface WarehouseWriter {
  /**
   * Where the load of a message whose dataset has `partCount` parts stands. Asks the warehouse only for more than
   * one part: a smaller dataset is loaded in one transaction, which finds a loaded message itself.
   */
  progress(messageId: string, partCount: number): Promise<LoadProgress>;
  /**
   * Loads the pending parts, each exactly once whatever the deliveries, and records the message once all are in.
   * `ready`, when given, is awaited before each transaction for the parts it loads: a fact's chunk waits only for
   * the dimension rows it references, so it loads while the later chunks of a large dimension are still landing.
   * A `ready` must check every reference of those parts (as {@link WarehouseWriter.checkDimensions} does): the
   * transaction then does not check them again.
   */
  load(
    entry: LoadEntry,
    progress: LoadProgress,
    readPart: PartReader,
    ready?: PartsReady,
  ): Promise<LoadOutcome>;
  /**
   * Throws {@link DimensionsNotReadyError} when a fact's rows reference a dimension row the warehouse does not hold
   * yet, after waiting for it in place (see {@link WarehouseWriterOptions.dimensionWaitMs}): a cheap check, on the
   * reference columns only, before a load decodes and copies the whole batch (the load checks again inside its
   * transaction). Returns how long it waited, in milliseconds.
   */
  checkDimensions(fact: FactModel, references: AsyncIterable<ColumnBatch>): Promise<number>;
}

export interface WarehouseWriterOptions {
  pool: pg.Pool;
  warehouseSchema: string;
  stateSchema: string;
  /** `loadDue`, when given, tells a dimension check that a run is still to load a dimension: it waits for it. */
  runs: Pick<RunLedger, 'markLoaded'> & Partial<Pick<RunLedger, 'loadDue'>>;
  /**
   * How long {@link WarehouseWriter.checkDimensions} waits, asking again every 200 ms, for missing dimension rows
   * while none arrives and no run is still to load their dimension, before it gives up with
   * {@link DimensionsNotReadyError} (and the message is deferred); 2 s by default.
   */
  dimensionWaitMs?: number;
  /**
   * The longest a dimension check waits in place while the rows arrive or a run is still to load them; 20 s by
   * default, well inside the loader Lambda's timeout. The wait holds no transaction and no lock.
   */
  dimensionWaitLimitMs?: number;
  /** How many transactions load the parts of one dataset at once (`TOTES_LOAD_PARALLELISM`); 2 by default. */
  loadParallelism?: number;
  /** At most this many parts in one transaction of a dataset loaded in parts; 8 by default (80 000 rows). */
  partsPerTransaction?: number;
  /**
   * At most this many load transactions at once in this writer, whatever the messages under way: each holds a part
   * or two in hand, so this bounds the loader's memory. Twice `loadParallelism` by default, which lets two large
   * datasets load side by side (a Lambda loads one message at a time, so it never waits here).
   */
  maxTransactions?: number;
}

const notFirst: LoadOutcome = { received: 0, written: 0, firstDelivery: false };

/**
 * A writer that COPYs rows into a temporary staging table and merges them: dimensions are upserted by key unless
 * the warehouse holds a newer version, facts are inserted unless that version of the source row is already there.
 * The chunks of a fact dataset in parts are COPYed straight into the fact's table while every version in them is
 * new (see {@link copyStraight}), and so are a dimension's while every key is new. A fact's references are checked
 * set-based, every distinct key against its dimension's primary key: by `ready`, when {@link WarehouseWriter.load}
 * is given one, just before each transaction for the parts it loads (dimension rows are never deleted, so a row
 * present then is present in it, and the transaction does not ask again); otherwise inside each transaction, from
 * the keys gathered as its rows pass.
 *
 * Every load of a fact keeps the fact's current-rows table (its latest version of each source row) in the same
 * transaction: from the staging table after a merge, from the fact after a straight copy (see current-rows.ts).
 *
 * A dataset of one part is loaded in one transaction that records the message in the load ledger and marks the
 * model loaded for its extraction in the run ledger. A larger one is loaded in chunks of parts, `loadParallelism`
 * transactions at a time, each recording its parts in the ledger; a last transaction records the message and
 * marks the model loaded once every part is in, so a crash or a redelivery loads only the parts that are not.
 */
export function createWarehouseWriter(options: WarehouseWriterOptions): WarehouseWriter {
  const { pool, warehouseSchema, runs, dimensionWaitMs = 2_000, dimensionWaitLimitMs = 20_000 } = options;
  const { loadParallelism = 2, partsPerTransaction = 8 } = options;
  const gate = createTransactionGate(options.maxTransactions ?? 2 * loadParallelism);
  const ledger = loadLedger(options.stateSchema);
  const loadDue = runs.loadDue?.bind(runs);
  const wait: DimensionWait = {
    idleMs: dimensionWaitMs,
    limitMs: dimensionWaitLimitMs,
    ...(loadDue && { due: (dimension) => loadDue(dimension.name, dependenciesOf(dimension)) }),
  };

  /**
   * Stages the batches and merges them, checking a fact's references in between unless `checked` (they were
   * checked, every key, just before the transaction).
   */
  const stageAndMerge = async (
    client: pg.PoolClient,
    model: WarehouseModel,
    batches: AsyncIterable<ColumnBatch>,
    checked: boolean,
  ): Promise<LoadTotals> => {
    const columns = processedColumnsOf(model);
    await client.query(stagingDdl(columns));
    // A fact's references are gathered as its rows are copied, and checked inside this transaction.
    const references = model.kind === 'fact' && !checked ? referenceKeys(model) : undefined;
    const received = await copyIntoStaging(
      client,
      columns,
      references ? tap(batches, references.gather) : batches,
    );
    if (model.kind === 'fact' && references)
      await assertReferencesPresent(client, warehouseSchema, model, references);
    const merged = await client.query(mergeSql(warehouseSchema, model));
    // In the same transaction: the dashboard's current rows never disagree with the fact they come from.
    if (model.kind === 'fact') await client.query(currentRowsFromStagingSql(warehouseSchema, model));
    return { received, written: merged.rowCount ?? 0 };
  };

  const loadWhole = (entry: LoadEntry, progress: LoadProgress, readPart: PartReader, checked: boolean) =>
    inTransaction(pool, gate, async (client) => {
      if (!(await ledger.claimMessage(client, entry))) return { commit: false, value: notFirst };
      const totals = await stageAndMerge(client, entry.model, readParts(progress.pending, readPart), checked);
      await ledger.recordMessage(client, entry.messageId, totals);
      if (entry.extractionId) await runs.markLoaded(client, entry.extractionId, entry.model.name);
      return { commit: true, value: { ...totals, firstDelivery: true } };
    });

  /**
   * Copies a chunk of a fact straight into its table while that works (`straight.on`): once a chunk holds a version
   * the table has, the rest of the dataset is merged from staging, as a repeated load would fail again.
   */
  const loadRows = async (
    client: pg.PoolClient,
    model: WarehouseModel,
    read: () => AsyncIterable<ColumnBatch>,
    straight: { on: boolean },
    checked: boolean,
  ): Promise<LoadTotals> => {
    if (straight.on) {
      const copied = await copyStraight(client, warehouseSchema, model, read(), checked);
      if (copied) return copied;
      straight.on = false;
    }
    return stageAndMerge(client, model, read(), checked);
  };

  const loadChunk = (
    entry: LoadEntry,
    chunk: readonly number[],
    readPart: PartReader,
    straight: { on: boolean },
    checked: boolean,
  ) =>
    inTransaction(pool, gate, async (client) => {
      const claimed = await ledger.claimParts(client, entry.messageId, chunk);
      if (claimed.length === 0) return { commit: false, value: undefined };
      const received = claimed.map(() => 0);
      const read = () => readParts(claimed, readPart, received);
      const { written } = await loadRows(client, entry.model, read, straight, checked);
      await ledger.recordParts(client, entry.messageId, claimed, received, written);
      return { commit: true, value: undefined };
    });

  const complete = async (entry: LoadEntry, partCount: number): Promise<LoadOutcome> => {
    const totals = await inTransaction(pool, undefined, async (client) => {
      const recorded = await ledger.completeMessage(client, entry, partCount);
      if (!recorded) return { commit: false, value: null };
      if (entry.extractionId) await runs.markLoaded(client, entry.extractionId, entry.model.name);
      return { commit: true, value: recorded };
    });
    if (totals) return { ...totals, firstDelivery: true };
    // Not recorded by this delivery: another recorded it first, or (never expected) a part is missing.
    if ((await ledger.progress(pool, entry.messageId)).done) return notFirst;
    throw new LoadIncompleteError(entry.messageId, partCount);
  };

  return {
    async progress(messageId, partCount) {
      const all = Array.from({ length: partCount }, (_, part) => part);
      if (partCount <= 1) return { partCount, done: false, pending: all };
      const { done, loaded } = await ledger.progress(pool, messageId);
      const inLedger = new Set(loaded);
      return { partCount, done, pending: done ? [] : all.filter((part) => !inLedger.has(part)) };
    },
    async load(entry, progress, readPart, ready) {
      if (progress.partCount <= 1) {
        if (ready && progress.pending.length > 0) await ready(progress.pending);
        return loadWhole(entry, progress, readPart, ready !== undefined);
      }
      if (progress.done) return notFirst;
      const chunks = partChunks(progress.pending, loadParallelism, partsPerTransaction);
      // Only a dataset in parts is copied straight: a small one is as quick to merge, and a failed try would read
      // its part again.
      const straight = { on: copiesStraight(entry.model) };
      await runPool(chunks, loadParallelism, async (chunk) => {
        await ready?.(chunk);
        await loadChunk(entry, chunk, readPart, straight, ready !== undefined);
      });
      return complete(entry, progress.partCount);
    },
    checkDimensions: (fact, references) => checkDimensions(pool, warehouseSchema, wait, fact, references),
  };
}

/** The rows of the parts, in order, counting each part's rows into `received` as they pass. */
async function* readParts(
  parts: readonly number[],
  readPart: PartReader,
  received: number[] = [],
): AsyncIterable<ColumnBatch> {
  for (const [index, part] of parts.entries()) {
    let rowsOfPart = 0;
    for await (const batch of readPart(part)) {
      rowsOfPart += batch.length;
      received[index] = rowsOfPart;
      yield batch;
    }
    received[index] = rowsOfPart;
  }
}

/**
 * Runs `work` in a transaction on a client of its own, through `gate` when given (a load that holds rows in hand),
 * and commits it (after the loader's kill point) or rolls it back as `work` says; any error rolls it back.
 */
function inTransaction<T>(
  pool: pg.Pool,
  gate: TransactionGate | undefined,
  work: (client: pg.PoolClient) => Promise<{ commit: boolean; value: T }>,
): Promise<T> {
  return gate ? gate.run(() => transaction(pool, work)) : transaction(pool, work);
}

async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<{ commit: boolean; value: T }>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { commit, value } = await work(client);
    if (commit) {
      killPoint(KillStep.beforeCommit);
      await client.query('COMMIT');
    } else await client.query('ROLLBACK');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
