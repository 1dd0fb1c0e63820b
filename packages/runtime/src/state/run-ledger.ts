import type { TableWatermark, Watermark } from '@totes/contracts';
import pg from 'pg';
import { inTransaction } from './in-transaction';

/** One extraction, as the run ledger tracks it until every model that depends on its table has loaded it. */
export interface ExtractionEntry {
  readonly extractionId: string;
  readonly runId: string;
  readonly table: string;
  /** Where the extracted window began: a restart on empty queues rewinds the table to here. */
  readonly windowAfter: Watermark | null;
  /** The position of the last row extracted; null for an empty window. */
  readonly lastRow: Watermark | null;
  readonly rows: number;
  /** The models that must load this extraction before it is complete. */
  readonly models: readonly string[];
}

/** A run whose every extraction is loaded. */
export interface CompletedRun {
  readonly runId: string;
  readonly tables: readonly string[];
  readonly models: readonly string[];
  readonly startedAt: Date;
  readonly watermarks: readonly TableWatermark[];
}

/**
 * What the platform knows of each run: the tables a detection cycle changed, each extraction and the models that
 * loaded it. From it come the run-completed events, the point up to which the warehouse is consistent with each
 * table, and the rewind after a restart that lost its queues.
 */
export interface RunLedger {
  /** Records the tables one detection cycle asked to extract. */
  startRun(runId: string, tables: readonly string[]): Promise<void>;
  /** Records an extraction before it is announced; a retry of the same extraction changes nothing. */
  recordExtraction(entry: ExtractionEntry): Promise<void>;
  /** Marks a model as loaded for an extraction, inside the load's own transaction. */
  markLoaded(client: pg.ClientBase, extractionId: string, model: string): Promise<void>;
  /**
   * Whether a run under way is still to load `model`, which is built from `tables`: one of them is not extracted
   * yet, or an extraction of one has not loaded the model yet. A fact load waits for such a dimension in place.
   */
  loadDue(model: string, tables: readonly string[]): Promise<boolean>;
  /**
   * If every table of the run has a complete extraction, marks the run complete, calls `announce` (inside the
   * same transaction: a failed announcement leaves the run open to be tried again) and returns the run.
   */
  completeRun(runId: string, announce: (run: CompletedRun) => Promise<void>): Promise<CompletedRun | null>;
  /** For each table, the position up to which every extracted row is loaded. */
  consistentWatermarks(client?: pg.ClientBase): Promise<TableWatermark[]>;
  /**
   * For a restart whose queues are new and empty: moves each table with an unfinished extraction back to where
   * that extraction began, forgets the unfinished extractions and abandons their runs, so the detector extracts
   * the same rows again (loads are idempotent). Returns the tables rewound.
   */
  rewindUnfinished(): Promise<string[]>;
  /**
   * For a lake lost: moves every table back to the beginning (no watermark, no claim), forgets the unfinished
   * extractions and abandons their runs, so the detector extracts every row again into the new lake. Loads are
   * idempotent, so the warehouse gains nothing twice.
   */
  rewindAll(): Promise<void>;
}

/** A {@link RunLedger} in the platform's state schema. */
export function createRunLedger(pool: pg.Pool, schema: string, tables: readonly string[]): RunLedger {
  const s = pg.escapeIdentifier(schema);
  const consistentWatermarks = async (client: pg.ClientBase | pg.Pool = pool): Promise<TableWatermark[]> => {
    // Up to the start of a table's earliest unfinished extraction, or its watermark when none is unfinished.
    const { rows } = await client.query<{
      table_name: string;
      last_updated: string | null;
      last_id: number | null;
    }>(
      `SELECT w.table_name,
              CASE WHEN o.table_name IS NULL THEN w.last_updated ELSE o.after_last_updated END AS last_updated,
              CASE WHEN o.table_name IS NULL THEN w.last_id ELSE o.after_id END AS last_id
       FROM ${s}.watermark w
       LEFT JOIN LATERAL (
         SELECT table_name, window_after_last_updated AS after_last_updated, window_after_id AS after_id
         FROM ${s}.extraction e WHERE e.table_name = w.table_name AND e.completed_at IS NULL
         ORDER BY window_after_last_updated NULLS FIRST, window_after_id NULLS FIRST LIMIT 1
       ) o ON TRUE`,
    );
    const found = new Map(rows.map((row) => [row.table_name, row]));
    return tables.map((table) => {
      const row = found.get(table);
      return {
        table,
        watermark: row?.last_updated ? { lastUpdated: row.last_updated, id: row.last_id ?? 0 } : null,
      };
    });
  };

  return {
    async startRun(runId, changed) {
      await pool.query(
        `INSERT INTO ${s}.run (run_id, tables) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING`,
        [runId, changed],
      );
    },
    async recordExtraction(entry) {
      const complete = entry.models.length === 0;
      await pool.query(
        `INSERT INTO ${s}.extraction (extraction_id, run_id, table_name, window_after_last_updated, window_after_id,
           last_updated, last_id, rows, models, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 THEN now() END)
         ON CONFLICT (extraction_id) DO NOTHING`,
        [
          entry.extractionId,
          entry.runId,
          entry.table,
          entry.windowAfter?.lastUpdated ?? null,
          entry.windowAfter?.id ?? null,
          entry.lastRow?.lastUpdated ?? null,
          entry.lastRow?.id ?? null,
          entry.rows,
          entry.models,
          complete,
        ],
      );
    },
    async markLoaded(client, extractionId, model) {
      await client.query(
        `UPDATE ${s}.extraction SET
           loaded_models = array_append(loaded_models, $2::text),
           completed_at = CASE WHEN cardinality(loaded_models) + 1 >= cardinality(models) THEN now() END
         WHERE extraction_id = $1 AND NOT ($2 = ANY (loaded_models))`,
        [extractionId, model],
      );
    },
    async loadDue(model, dependencies) {
      const { rows } = await pool.query<{ due: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM ${s}.run r, unnest(r.tables) AS t(table_name)
           WHERE r.completed_at IS NULL AND r.abandoned_at IS NULL AND t.table_name = ANY ($2::text[])
             AND NOT EXISTS (
               SELECT 1 FROM ${s}.extraction e
               WHERE e.run_id = r.run_id AND e.table_name = t.table_name
                 AND NOT ($1 = ANY (e.models) AND NOT ($1 = ANY (e.loaded_models))))) AS due`,
        [model, [...dependencies]],
      );
      return rows[0]?.due ?? false;
    },
    async completeRun(runId, announce) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ tables: string[]; started_at: Date; models: string[] | null }>(
          `SELECT r.tables, r.started_at,
                  (SELECT array_agg(DISTINCT m ORDER BY m) FROM ${s}.extraction e, unnest(e.models) m WHERE e.run_id = r.run_id) AS models
           FROM ${s}.run r
           WHERE r.run_id = $1 AND r.completed_at IS NULL AND r.abandoned_at IS NULL
             AND NOT EXISTS (
               SELECT 1 FROM unnest(r.tables) t(table_name)
               WHERE NOT EXISTS (
                 SELECT 1 FROM ${s}.extraction e
                 WHERE e.run_id = r.run_id AND e.table_name = t.table_name AND e.completed_at IS NOT NULL))
           FOR UPDATE OF r`,
          [runId],
        );
        const row = rows[0];
        if (!row) {
          await client.query('ROLLBACK');
          return null;
        }
        const run: CompletedRun = {
          runId,
          tables: row.tables,
          models: row.models ?? [],
          startedAt: row.started_at,
          watermarks: await consistentWatermarks(client),
        };
        await announce(run);
        await client.query(`UPDATE ${s}.run SET completed_at = now() WHERE run_id = $1`, [runId]);
        await client.query('COMMIT');
        return run;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    consistentWatermarks: (client) => consistentWatermarks(client),
    rewindUnfinished: () =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ table_name: string }>(
          `WITH first_open AS (
             SELECT DISTINCT ON (table_name) table_name, window_after_last_updated, window_after_id
             FROM ${s}.extraction WHERE completed_at IS NULL
             ORDER BY table_name, window_after_last_updated NULLS FIRST, window_after_id NULLS FIRST)
           UPDATE ${s}.watermark w SET last_updated = f.window_after_last_updated, last_id = f.window_after_id,
             claimed_up_to = NULL, claimed_at = NULL, updated_at = now()
           FROM first_open f WHERE w.table_name = f.table_name
           RETURNING w.table_name`,
        );
        await forgetUnfinished(client, s);
        return rows.map((row) => row.table_name);
      }),
    rewindAll: () =>
      inTransaction(pool, async (client) => {
        await client.query(
          `UPDATE ${s}.watermark SET last_updated = NULL, last_id = NULL, margin_rows = 0, held_rows = 0, held_stamp_sum = 0,
             claimed_up_to = NULL, claimed_at = NULL, updated_at = now()`,
        );
        await forgetUnfinished(client, s);
      }),
  };
}

// Abandons the runs of unfinished extractions and deletes those extractions: their messages will never be handled.
async function forgetUnfinished(client: pg.ClientBase, s: string): Promise<void> {
  await client.query(
    `UPDATE ${s}.run SET abandoned_at = now() WHERE completed_at IS NULL AND abandoned_at IS NULL
       AND run_id IN (SELECT run_id FROM ${s}.extraction WHERE completed_at IS NULL)`,
  );
  await client.query(`DELETE FROM ${s}.extraction WHERE completed_at IS NULL`);
}

/**
 * How long, in seconds, each source table's oldest unfinished run has been under way (started, neither completed nor
 * abandoned): how far the warehouse is behind what detection has seen of it. A table with no such run is absent.
 */
export async function pendingRunAges(
  db: Pick<pg.Pool, 'query'>,
  schema: string,
): Promise<Map<string, number>> {
  const s = pg.escapeIdentifier(schema);
  const { rows } = await db.query<{ table_name: string; seconds: number }>(
    `SELECT t.table_name, extract(epoch FROM now() - min(r.started_at))::float8 AS seconds
       FROM ${s}.run r, unnest(r.tables) AS t(table_name)
      WHERE r.completed_at IS NULL AND r.abandoned_at IS NULL
      GROUP BY t.table_name`,
  );
  return new Map(rows.map((row) => [row.table_name, row.seconds]));
}
