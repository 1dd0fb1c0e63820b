import type { Watermark } from '@totes/contracts';
import pg from 'pg';
import type { HeldRows } from '../source/source-reader';

/** What the platform knows of one source table's extraction. */
export interface TableState {
  readonly table: string;
  /** Everything at or before this position is in the lake; null before the first extraction. */
  readonly watermark: Watermark | null;
  /** An extraction asked for and not yet finished: the detector does not ask again while it is fresh. */
  readonly claim: { readonly upTo: string; readonly claimedAt: Date } | null;
  /** Rows the last extraction saw in the safety margin below the watermark: more now means a late commit. */
  readonly marginRows: number;
  /** Rows the last extraction read past the watermark (stamped after its cap): the same figures now mean nothing new. */
  readonly held: HeldRows;
}

/** No rows held past the watermark. */
export const noHeldRows: HeldRows = { rows: 0, stampSum: '0' };

/** Durable watermarks, kept in the platform's own state schema, never in the source. */
export interface WatermarkStore {
  get(table: string): Promise<TableState>;
  /** Records that an extraction up to `upTo` was requested. */
  claim(table: string, upTo: string, now: Date): Promise<void>;
  /**
   * Moves the watermark forward to the last extracted row (never back; null when the window held no rows) and
   * releases a claim that the extracted window covered. `held` is what the window left past the watermark.
   */
  advance(
    table: string,
    to: Watermark | null,
    windowUpTo: string,
    marginRows: number,
    held?: HeldRows,
  ): Promise<void>;
  /**
   * Repairs a watermark beyond `cap` (the source's clock less the late-commit margin), written before watermarks
   * were capped: moves it back to the last extracted position at or below the cap (none: the table is read again
   * whole) and forgets its claim, so the rows it hid are extracted again. Returns the table's state after.
   */
  rewindBeyond(table: string, cap: string): Promise<TableState>;
  /** Forgets every claim: for a restart whose queues are new and empty, so no requested extraction is in flight. */
  releaseAllClaims(): Promise<void>;
}

/**
 * The state schema's DDL: watermarks, the run and load ledgers (per message, and per part of a large dataset), the
 * tables stopped by schema drift, the platform instance id that the lake holds too, and the inbox ledger.
 */
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
  held_rows integer NOT NULL DEFAULT 0,
  held_stamp_sum numeric NOT NULL DEFAULT 0,
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
-- The parts of a dataset of more than one part, each committed in a load transaction of its own; the message's row
-- in load_ledger follows once every part is in. Created in place in a state schema from before.
CREATE TABLE IF NOT EXISTS ${s}.load_ledger_part (
  message_id uuid NOT NULL,
  part integer NOT NULL,
  rows_received integer NOT NULL,
  rows_written integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, part)
);
CREATE TABLE IF NOT EXISTS ${s}.schema_drift (
  table_name text PRIMARY KEY,
  problem text NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.platform_instance (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  instance_id uuid NOT NULL,
  lake_url text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.delete_check (
  table_name text PRIMARY KEY,
  checked_at timestamptz NOT NULL
);
-- The inbox ledger: every version of every file the inbox has held, forever, so a file is loaded once, ever. The
-- content hash of a loaded file is unique among files that are not duplicates: the same bytes under a second name
-- load no row twice.
CREATE TABLE IF NOT EXISTS ${s}.inbox_file (
  file_key text NOT NULL,
  version text NOT NULL,
  bytes bigint NOT NULL,
  table_name text,
  state text NOT NULL CHECK (state IN ('discovered', 'claimed', 'loaded', 'quarantined')),
  content_sha256 text,
  duplicate_of text,
  reason text,
  claim_id uuid,
  lease_until timestamptz,
  rows_read bigint,
  rows_loaded bigint,
  discovered_at timestamptz NOT NULL DEFAULT now(),
  claimed_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (file_key, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS inbox_file_content ON ${s}.inbox_file (content_sha256)
  WHERE duplicate_of IS NULL AND state IN ('claimed', 'loaded') AND content_sha256 IS NOT NULL;
ALTER TABLE ${s}.inbox_file ADD COLUMN IF NOT EXISTS rows_rejected bigint;
ALTER TABLE ${s}.inbox_file ADD COLUMN IF NOT EXISTS policy text;
-- A large file is read in pieces under one claim; the message that reads its last piece finishes it. A file that
-- cannot be read in pieces (a quoted line break) is read whole the next time.
ALTER TABLE ${s}.inbox_file ADD COLUMN IF NOT EXISTS finisher uuid;
ALTER TABLE ${s}.inbox_file ADD COLUMN IF NOT EXISTS read_whole boolean NOT NULL DEFAULT false;
-- What the read of each piece of a large file found (its counts, hash, parts and first rejects, and the keys it
-- wrote, sorted), kept until the file is finished: a piece read again after a crash replaces its own record.
CREATE TABLE IF NOT EXISTS ${s}.inbox_piece (
  file_key text NOT NULL,
  version text NOT NULL,
  claim_id uuid NOT NULL,
  piece integer NOT NULL,
  pieces integer NOT NULL,
  record jsonb NOT NULL,
  keys bytea NOT NULL,
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (file_key, version, claim_id, piece),
  FOREIGN KEY (file_key, version) REFERENCES ${s}.inbox_file (file_key, version) ON DELETE CASCADE
);
-- The rows of inbox files that could not be read as their table's, kept with the file's ledger entry (the first
-- 1000 of a file): where each was, the column, why, and the record as it was, cut to 1 KiB.
CREATE TABLE IF NOT EXISTS ${s}.inbox_reject (
  file_key text NOT NULL,
  version text NOT NULL,
  place text NOT NULL CHECK (place IN ('line', 'row')),
  at bigint NOT NULL,
  column_name text,
  reason text NOT NULL,
  raw text NOT NULL CHECK (octet_length(raw) <= 1024),
  PRIMARY KEY (file_key, version, at),
  FOREIGN KEY (file_key, version) REFERENCES ${s}.inbox_file (file_key, version) ON DELETE CASCADE
);
-- Columns added after the first release: a state schema from before gains them in place.
ALTER TABLE ${s}.watermark ADD COLUMN IF NOT EXISTS margin_rows integer NOT NULL DEFAULT 0;
ALTER TABLE ${s}.load_ledger ADD COLUMN IF NOT EXISTS extraction_id uuid;
ALTER TABLE ${s}.watermark ADD COLUMN IF NOT EXISTS held_rows integer NOT NULL DEFAULT 0;
ALTER TABLE ${s}.watermark ADD COLUMN IF NOT EXISTS held_stamp_sum numeric NOT NULL DEFAULT 0;`;
}

/** Creates the state schema unless it exists. */
export async function migrateState(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(stateDdl(schema));
}

/** A {@link WatermarkStore} in Postgres. */
export function createWatermarkStore(pool: pg.Pool, schema: string): WatermarkStore {
  const table = `${pg.escapeIdentifier(schema)}.watermark`;
  return {
    get: (name) => readState(pool, table, name),
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
    async rewindBeyond(name, cap) {
      const extraction = `${pg.escapeIdentifier(schema)}.extraction`;
      // The last extraction that ended at or below the cap read rows the source's clock had reached; everything
      // after it may have been hidden by the watermark beyond the cap.
      await pool.query(
        `UPDATE ${table} w SET (last_updated, last_id) = (
           SELECT e.last_updated, e.last_id FROM ${extraction} e
           WHERE e.table_name = w.table_name AND e.last_updated <= $2::timestamp
           ORDER BY e.last_updated DESC, e.last_id DESC LIMIT 1),
         margin_rows = 0, held_rows = 0, held_stamp_sum = 0, claimed_up_to = NULL, claimed_at = NULL,
         updated_at = now()
         WHERE w.table_name = $1 AND w.last_updated > $2::timestamp`,
        [name, cap],
      );
      return readState(pool, table, name);
    },
    async advance(name, to, windowUpTo, marginRows, held = noHeldRows) {
      // Row comparison keeps the watermark monotonic when two extractions of one table overlap.
      const current = `(${table}.last_updated, ${table}.last_id)`;
      const newer = `$2::timestamp IS NOT NULL AND (${table}.last_updated IS NULL OR ${current} < ($2::timestamp, $3::integer))`;
      const sameOrNewer = `$2::timestamp IS NOT NULL AND (${table}.last_updated IS NULL OR ${current} <= ($2::timestamp, $3::integer))`;
      const covered = `${table}.claimed_up_to <= $4::timestamp`;
      // An extraction that ended below the watermark (an older one, arriving late) says nothing of what lies past it.
      const holding = `$2::timestamp IS NULL OR ${sameOrNewer}`;
      await pool.query(
        `INSERT INTO ${table} (table_name, last_updated, last_id, margin_rows, held_rows, held_stamp_sum)
         VALUES ($1, $2, $3, $5, $6, $7)
         ON CONFLICT (table_name) DO UPDATE SET
           last_updated = CASE WHEN ${newer} THEN $2 ELSE ${table}.last_updated END,
           last_id = CASE WHEN ${newer} THEN $3 ELSE ${table}.last_id END,
           margin_rows = CASE WHEN ${sameOrNewer} THEN $5 ELSE ${table}.margin_rows END,
           held_rows = CASE WHEN ${holding} THEN $6 ELSE ${table}.held_rows END,
           held_stamp_sum = CASE WHEN ${holding} THEN $7::numeric ELSE ${table}.held_stamp_sum END,
           claimed_up_to = CASE WHEN ${covered} THEN NULL ELSE ${table}.claimed_up_to END,
           claimed_at = CASE WHEN ${covered} THEN NULL ELSE ${table}.claimed_at END,
           updated_at = now()`,
        [name, to?.lastUpdated ?? null, to?.id ?? null, windowUpTo, marginRows, held.rows, held.stampSum],
      );
    },
  };
}

/** One table's state, read from the watermark table. */
async function readState(pool: pg.Pool, table: string, name: string): Promise<TableState> {
  const { rows } = await pool.query<{
    last_updated: string | null;
    last_id: number | null;
    margin_rows: number;
    claimed_up_to: string | null;
    claimed_at: Date | null;
    held_rows: number;
    held_stamp_sum: string;
  }>(
    `SELECT last_updated, last_id, margin_rows, claimed_up_to, claimed_at, held_rows, held_stamp_sum::text
     FROM ${table} WHERE table_name = $1`,
    [name],
  );
  const row = rows[0];
  return {
    table: name,
    watermark: row?.last_updated ? { lastUpdated: row.last_updated, id: row.last_id ?? 0 } : null,
    claim:
      row?.claimed_up_to && row.claimed_at ? { upTo: row.claimed_up_to, claimedAt: row.claimed_at } : null,
    marginRows: row?.margin_rows ?? 0,
    held: row ? { rows: row.held_rows, stampSum: row.held_stamp_sum } : noHeldRows,
  };
}
