import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type FactModel,
  factReferences,
  factVersionKey,
  type LakeColumn,
  type LakeValue,
  processedColumnsOf,
  sourceVersionColumn,
  type WarehouseModel,
} from '@totes/model';
import {
  type ColumnBatch,
  formatDate,
  isValidAt,
  KillStep,
  killPoint,
  type LakeVector,
  type RunLedger,
  rowsOf,
} from '@totes/runtime';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyBinary, copyBinaryHeader, copyBinaryTrailer } from './copy-binary';
import { qualifiedTable } from './ddl';
import { DimensionsNotReadyError } from './errors';

const q = pg.escapeIdentifier;

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
  readonly received: number;
  readonly written: number;
  /** False when the ledger already held this message: nothing was written. */
  readonly firstDelivery: boolean;
}

/** Loads processed rows, as column batches, into the warehouse. */
export interface WarehouseWriter {
  load(entry: LoadEntry, batches: AsyncIterable<ColumnBatch>): Promise<LoadOutcome>;
  /**
   * Throws {@link DimensionsNotReadyError} when a fact's rows reference a dimension row the warehouse does not hold
   * yet, after waiting a little for it: a cheap check, on the reference columns only, before a load decodes and
   * copies the whole batch (the load checks again inside its transaction).
   */
  checkDimensions(fact: FactModel, references: AsyncIterable<ColumnBatch>): Promise<void>;
}

export interface WarehouseWriterOptions {
  pool: pg.Pool;
  warehouseSchema: string;
  stateSchema: string;
  runs: Pick<RunLedger, 'markLoaded'>;
  /**
   * How long {@link WarehouseWriter.checkDimensions} waits, asking again every 200 ms, for missing dimension rows
   * before it gives up with {@link DimensionsNotReadyError} (and the message is deferred); 2 s by default.
   */
  dimensionWaitMs?: number;
}

const dimensionPollMs = 200;
/** The distinct keys of one reference that {@link WarehouseWriter.checkDimensions} holds before it asks. */
const keysPerCheck = 50_000;

/**
 * A writer that, in one transaction, records the message in the load ledger, COPYs the rows into a temporary
 * staging table, merges them and marks the model loaded for its extraction in the run ledger: dimensions are upserted by key unless the warehouse holds a newer version,
 * facts are inserted unless that version of the source row is already there.
 */
export function createWarehouseWriter(options: WarehouseWriterOptions): WarehouseWriter {
  const { pool, warehouseSchema, stateSchema, runs, dimensionWaitMs = 2_000 } = options;
  const ledger = `${q(stateSchema)}.load_ledger`;
  return {
    async load(entry, batches) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // The ledger row comes first: a concurrent second delivery waits on it, then sees it and skips.
        const claimed = await client.query(
          `INSERT INTO ${ledger} (message_id, run_id, extraction_id, model, source_table, rows_received, rows_written)
           VALUES ($1, $2, $3, $4, $5, 0, 0) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
          [entry.messageId, entry.runId, entry.extractionId, entry.model.name, entry.table],
        );
        if (claimed.rowCount === 0) {
          await client.query('ROLLBACK');
          return { received: 0, written: 0, firstDelivery: false };
        }
        const columns = processedColumnsOf(entry.model);
        await client.query(stagingDdl(columns));
        const received = await copyIntoStaging(client, columns, batches);
        if (entry.model.kind === 'fact') await assertDimensionsReady(client, warehouseSchema, entry.model);
        const merged = await client.query(mergeSql(warehouseSchema, entry.model));
        const written = merged.rowCount ?? 0;
        await client.query(
          `UPDATE ${ledger} SET rows_received = $2, rows_written = $3 WHERE message_id = $1`,
          [entry.messageId, received, written],
        );
        if (entry.extractionId) await runs.markLoaded(client, entry.extractionId, entry.model.name);
        killPoint(KillStep.beforeCommit);
        await client.query('COMMIT');
        return { received, written, firstDelivery: true };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async checkDimensions(fact, references) {
      const keys = new Map(factReferences(fact).map((reference) => [reference, new Set<LakeValue>()]));
      const lakeOf = new Map(referenceColumnsOf(fact).map((column) => [column.name, column.lake]));
      const missingNow = async () => {
        const missing: { dimension: string; keys: string[] }[] = [];
        for (const [{ column, dimension }, seen] of keys) {
          if (seen.size === 0) continue;
          const lake = lakeOf.get(column) ?? 'string';
          const { rows } = await pool.query<{ key: string }>(
            `SELECT k::text AS key FROM unnest($1::${stagingType[lake]}[]) AS k
             WHERE NOT EXISTS (SELECT 1 FROM ${qualifiedTable(warehouseSchema, dimension)} d WHERE d.${q(dimension.key)} = k)
             ORDER BY 1 LIMIT 5`,
            [lake === 'date' ? [...seen].map((day) => formatDate(day as number)) : [...seen]],
          );
          if (rows.length > 0) missing.push({ dimension: dimension.name, keys: rows.map((row) => row.key) });
          // Found present: not asked again.
          else seen.clear();
        }
        return missing;
      };
      // Dimensions built in the same run are usually loaded within moments: wait a little here, asking again,
      // before the message is put back for seconds.
      const deadline = Date.now() + dimensionWaitMs;
      const settle = async () => {
        let missing = await missingNow();
        while (missing.length > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, dimensionPollMs));
          missing = await missingNow();
        }
        if (missing.length > 0) throw new DimensionsNotReadyError(fact.name, missing);
      };
      // Keys are checked whenever one reference has gathered enough of them, so memory stays bounded whatever the
      // batch's size (a payment fact references one transaction per row).
      for await (const batch of references) {
        for (const [reference, seen] of keys) {
          const vector = batch.columns.find((candidate) => candidate.column.name === reference.column);
          if (vector) collectKeys(vector, seen);
        }
        if ([...keys.values()].some((seen) => seen.size >= keysPerCheck)) await settle();
      }
      await settle();
    },
  };
}

// The distinct non-null values of a reference column: integers and days (a date as its day number, turned into
// text only for the query) straight from the column's buffer, anything else through its row form.
function collectKeys({ column, data }: LakeVector, seen: Set<LakeValue>): void {
  if (!data) return;
  if (column.lake === 'int32' || column.lake === 'date') {
    const values = data.values as Int32Array;
    for (let index = 0; index < data.length; index++)
      if (isValidAt(data, index)) seen.add(values[data.offset + index] as number);
    return;
  }
  for (const row of rowsOf({ length: data.length, columns: [{ column, data }] })) {
    const value = row[column.name];
    if (value !== null && value !== undefined) seen.add(value);
  }
}

/** The processed columns of a fact that reference a dimension: all {@link WarehouseWriter.checkDimensions} reads. */
export function referenceColumnsOf(fact: FactModel): LakeColumn[] {
  const references = new Set(factReferences(fact).map((reference) => reference.column));
  return processedColumnsOf(fact).filter((column) => references.has(column.name));
}

const stagingTable = 'totes_staging';

/** The staging table's type of each lake type: what COPY converts the values to. */
export const stagingType: Record<LakeColumn['lake'], string> = {
  int32: 'integer',
  string: 'text',
  decimal: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamp(3)',
  date: 'date',
  time: 'time(3)',
};

function stagingDdl(columns: readonly LakeColumn[]): string {
  const list = columns.map((column) => `${q(column.name)} ${stagingType[column.lake]}`).join(', ');
  return `CREATE TEMP TABLE ${stagingTable} (${list}) ON COMMIT DROP`;
}

async function copyIntoStaging(
  client: pg.PoolClient,
  columns: readonly LakeColumn[],
  batches: AsyncIterable<ColumnBatch>,
): Promise<number> {
  let received = 0;
  // The binary format: measured faster than the text format on both sides (docs/benchmarks.md).
  async function* tuples() {
    yield copyBinaryHeader;
    for await (const batch of batches) {
      received += batch.length;
      yield copyBinary(columns, batch);
    }
    yield copyBinaryTrailer;
  }
  const list = columns.map((column) => q(column.name)).join(', ');
  const sink = client.query(copyFrom(`COPY ${stagingTable} (${list}) FROM STDIN (FORMAT binary)`));
  // One batch's tuples ahead of the socket, not Readable.from's default 16: memory holds about one part.
  await pipeline(Readable.from(tuples(), { highWaterMark: 1 }), sink);
  return received;
}

/** The merge of the staging table into the model's table; its row count is the rows written. */
export function mergeSql(schema: string, model: WarehouseModel): string {
  const target = qualifiedTable(schema, model);
  const columns = processedColumnsOf(model).map((column) => q(column.name));
  const list = columns.join(', ');
  if (model.kind === 'fact') {
    const key = factVersionKey(model).map(q).join(', ');
    return `INSERT INTO ${target} (${list})
      SELECT DISTINCT ON (${key}) ${list} FROM ${stagingTable} ORDER BY ${key}
      ON CONFLICT (${key}) DO NOTHING`;
  }
  const key = q(model.key);
  if (model.build === 'calendar') {
    return `INSERT INTO ${target} (${list})
      SELECT DISTINCT ON (${key}) ${list} FROM ${stagingTable} ORDER BY ${key}
      ON CONFLICT (${key}) DO NOTHING`;
  }
  const version = q(sourceVersionColumn);
  const values = columns.filter((column) => column !== key);
  const current = values.map((column) => `${target}.${column}`).join(', ');
  const incoming = values.map((column) => `EXCLUDED.${column}`).join(', ');
  // A load never replaces a row built from newer sources, and an identical row is not counted as written.
  return `INSERT INTO ${target} (${list})
    SELECT DISTINCT ON (${key}) ${list} FROM ${stagingTable} ORDER BY ${key}, ${version} DESC
    ON CONFLICT (${key}) DO UPDATE SET ${values.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
    WHERE ${target}.${version} < EXCLUDED.${version}
       OR (${target}.${version} = EXCLUDED.${version} AND (${current}) IS DISTINCT FROM (${incoming}))`;
}

/** Throws {@link DimensionsNotReadyError} when a staged fact row references a dimension row not yet loaded. */
async function assertDimensionsReady(client: pg.PoolClient, schema: string, fact: FactModel): Promise<void> {
  const missing: { dimension: string; keys: string[] }[] = [];
  for (const { column, dimension } of factReferences(fact)) {
    const { rows } = await client.query<{ key: string }>(
      `SELECT DISTINCT s.${q(column)}::text AS key FROM ${stagingTable} s
       WHERE s.${q(column)} IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ${qualifiedTable(schema, dimension)} d WHERE d.${q(dimension.key)} = s.${q(column)})
       ORDER BY 1 LIMIT 5`,
    );
    if (rows.length > 0) missing.push({ dimension: dimension.name, keys: rows.map((row) => row.key) });
  }
  if (missing.length > 0) throw new DimensionsNotReadyError(fact.name, missing);
}
