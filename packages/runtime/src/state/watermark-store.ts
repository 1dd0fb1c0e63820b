import type { Watermark } from '@totes/contracts';
import pg from 'pg';

/** What the platform knows of one source table's extraction. */
export interface TableState {
  readonly table: string;
  /** Everything at or before this position is in the lake; null before the first extraction. */
  readonly watermark: Watermark | null;
  /** An extraction asked for and not yet finished: the detector does not ask again while it is fresh. */
  readonly claim: { readonly upTo: string; readonly claimedAt: Date } | null;
  /** Rows the last extraction saw in the safety margin below the watermark: more now means a late commit. */
  readonly marginRows: number;
}

/** Durable watermarks, kept in the platform's own state schema, never in the source. */
export interface WatermarkStore {
  get(table: string): Promise<TableState>;
  /** Records that an extraction up to `upTo` was requested. */
  claim(table: string, upTo: string, now: Date): Promise<void>;
  /**
   * Moves the watermark forward to the last extracted row (never back; null when the window held no rows) and
   * releases a claim that the extracted window covered.
   */
  advance(table: string, to: Watermark | null, windowUpTo: string, marginRows: number): Promise<void>;
  /** Forgets every claim: for a restart whose queues are new and empty, so no requested extraction is in flight. */
  releaseAllClaims(): Promise<void>;
}

/** The state schema's DDL: watermarks, the run and load ledgers, and the tables stopped by schema drift. */
export function stateDdl(schema: string): string {
  const s = pg.escapeIdentifier(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.watermark (
  table_name text PRIMARY KEY,
  last_updated timestamp(3),
  last_id integer,
  margin_rows integer NOT NULL DEFAULT 0,
  claimed_up_to timestamp(3),
  claimed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.run (
  run_id uuid PRIMARY KEY,
  tables text[] NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  abandoned_at timestamptz
);
CREATE TABLE IF NOT EXISTS ${s}.extraction (
  extraction_id uuid PRIMARY KEY,
  run_id uuid NOT NULL,
  table_name text NOT NULL,
  window_after_last_updated timestamp(3),
  window_after_id integer,
  last_updated timestamp(3),
  last_id integer,
  rows integer NOT NULL,
  models text[] NOT NULL,
  loaded_models text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX IF NOT EXISTS extraction_run ON ${s}.extraction (run_id);
CREATE INDEX IF NOT EXISTS extraction_open ON ${s}.extraction (table_name) WHERE completed_at IS NULL;
CREATE TABLE IF NOT EXISTS ${s}.load_ledger (
  message_id uuid PRIMARY KEY,
  run_id uuid NOT NULL,
  extraction_id uuid,
  model text NOT NULL,
  source_table text NOT NULL,
  rows_received integer NOT NULL,
  rows_written integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.schema_drift (
  table_name text PRIMARY KEY,
  problem text NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.delete_check (
  table_name text PRIMARY KEY,
  checked_at timestamptz NOT NULL
);
-- Columns added after the first release: a state schema from before gains them in place.
ALTER TABLE ${s}.watermark ADD COLUMN IF NOT EXISTS margin_rows integer NOT NULL DEFAULT 0;
ALTER TABLE ${s}.load_ledger ADD COLUMN IF NOT EXISTS extraction_id uuid;`;
}

/** Creates the state schema unless it exists. */
export async function migrateState(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(stateDdl(schema));
}

/** A {@link WatermarkStore} in Postgres. */
export function createWatermarkStore(pool: pg.Pool, schema: string): WatermarkStore {
  const table = `${pg.escapeIdentifier(schema)}.watermark`;
  return {
    async get(name) {
      const { rows } = await pool.query<{
        last_updated: string | null;
        last_id: number | null;
        margin_rows: number;
        claimed_up_to: string | null;
        claimed_at: Date | null;
      }>(
        `SELECT last_updated, last_id, margin_rows, claimed_up_to, claimed_at FROM ${table} WHERE table_name = $1`,
        [name],
      );
      const row = rows[0];
      return {
        table: name,
        watermark: row?.last_updated ? { lastUpdated: row.last_updated, id: row.last_id ?? 0 } : null,
        claim:
          row?.claimed_up_to && row.claimed_at
            ? { upTo: row.claimed_up_to, claimedAt: row.claimed_at }
            : null,
        marginRows: row?.margin_rows ?? 0,
      };
    },
    async claim(name, upTo, now) {
      await pool.query(
        `INSERT INTO ${table} (table_name, claimed_up_to, claimed_at) VALUES ($1, $2, $3)
         ON CONFLICT (table_name) DO UPDATE SET claimed_up_to = $2, claimed_at = $3, updated_at = now()`,
        [name, upTo, now],
      );
    },
    async releaseAllClaims() {
      await pool.query(
        `UPDATE ${table} SET claimed_up_to = NULL, claimed_at = NULL WHERE claimed_up_to IS NOT NULL`,
      );
    },
    async advance(name, to, windowUpTo, marginRows) {
      // Row comparison keeps the watermark monotonic when two extractions of one table overlap.
      const current = `(${table}.last_updated, ${table}.last_id)`;
      const newer = `$2::timestamp IS NOT NULL AND (${table}.last_updated IS NULL OR ${current} < ($2::timestamp, $3::integer))`;
      const sameOrNewer = `$2::timestamp IS NOT NULL AND (${table}.last_updated IS NULL OR ${current} <= ($2::timestamp, $3::integer))`;
      const covered = `${table}.claimed_up_to <= $4::timestamp`;
      await pool.query(
        `INSERT INTO ${table} (table_name, last_updated, last_id, margin_rows) VALUES ($1, $2, $3, $5)
         ON CONFLICT (table_name) DO UPDATE SET
           last_updated = CASE WHEN ${newer} THEN $2 ELSE ${table}.last_updated END,
           last_id = CASE WHEN ${newer} THEN $3 ELSE ${table}.last_id END,
           margin_rows = CASE WHEN ${sameOrNewer} THEN $5 ELSE ${table}.margin_rows END,
           claimed_up_to = CASE WHEN ${covered} THEN NULL ELSE ${table}.claimed_up_to END,
           claimed_at = CASE WHEN ${covered} THEN NULL ELSE ${table}.claimed_at END,
           updated_at = now()`,
        [name, to?.lastUpdated ?? null, to?.id ?? null, windowUpTo, marginRows],
      );
    },
  };
}
