import type { InboxFile } from '@totes/contracts';
import pg from 'pg';
import { inTransaction } from './in-transaction';

/** Where a file of the inbox stands: found by a listing, claimed for reading, then loaded or quarantined. */
export const InboxFileState = {
  discovered: 'discovered',
  claimed: 'claimed',
  loaded: 'loaded',
  quarantined: 'quarantined',
} as const;
export type InboxFileState = (typeof InboxFileState)[keyof typeof InboxFileState];

/** A file found by a listing, with its table (null when its folder names none) or the reason it cannot be read. */
export interface FoundFile extends InboxFile {
  readonly table: string | null;
  /** Set when the file is bad on sight (an unknown table folder): it is recorded quarantined. */
  readonly reason?: string;
}

/** One file of the ledger, as `totes inbox list` shows it. */
export interface InboxEntry extends InboxFile {
  readonly table: string | null;
  readonly state: InboxFileState;
  readonly sha256: string | null;
  /** The file whose identical bytes were loaded before: this one loaded no row. */
  readonly duplicateOf: string | null;
  readonly reason: string | null;
  /** The message that holds the file's claim: only it may read the file. */
  readonly claimId: string | null;
  readonly rowsRead: number | null;
  readonly rowsLoaded: number | null;
  /** Rows that could not be read as the table's: set aside under a `skip` policy, or the one that failed the file. */
  readonly rowsRejected: number | null;
  /** The policy a replay asked for (`skip:5%`), over the table's; null when the table's own applies. */
  readonly policy: string | null;
  /** Whether the file must be read whole, not in pieces: a read in pieces found it cannot be. */
  readonly readWhole: boolean;
  readonly discoveredAt: Date;
  readonly claimedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** A row of an inbox file that could not be read as its table's, as `totes inbox show` lists it. */
export interface RejectedRow {
  /** `line` of a CSV or JSON Lines file, `row` of a Parquet file (from 1). */
  readonly place: 'line' | 'row';
  readonly at: number;
  /** The column whose value was wrong; null when the whole record was (too few fields, not JSON). */
  readonly column: string | null;
  readonly reason: string;
  /** The record as the file held it (a Parquet row as JSON), cut to 1 KiB. */
  readonly raw: string;
}

/** What became of a file's rows when it was loaded or quarantined. */
export interface FileRowCounts {
  readonly read: number;
  readonly loaded: number;
  readonly rejected?: number;
}

/** The permanent record of every file the inbox has held, in the state schema (`totes.inbox_file`). */
export interface InboxLedger {
  /** Records files a listing found; a file version already known is left as it is. Returns the new ones. */
  discover(files: readonly FoundFile[]): Promise<InboxEntry[]>;
  /** Files waiting to be read: discovered, or claimed with a lease that ran out. */
  due(now: Date): Promise<InboxEntry[]>;
  /** Claims a due file for the message `claimId` until `now + leaseMs`; false when it was not due any more. */
  claim(file: InboxFile, claimId: string, now: Date, leaseMs: number): Promise<boolean>;
  /**
   * Claims due files together for the message `claimId` until `now + leaseMs`, in one statement. Returns those
   * claimed, in the order given: a file no longer due (claimed or read meanwhile) is left out.
   */
  claimAll(files: readonly InboxFile[], claimId: string, now: Date, leaseMs: number): Promise<InboxFile[]>;
  get(file: Pick<InboxFile, 'key' | 'version'>): Promise<InboxEntry | null>;
  /** Every version of the file under `key`, oldest first. */
  versionsOf(key: string): Promise<InboxEntry[]>;
  /**
   * Records the file's content hash. Returns the key of a file with the same bytes that is loaded or being read,
   * whose rows these are: this file is then a duplicate, and loads nothing.
   */
  recordContent(file: InboxFile, sha256: string): Promise<string | null>;
  markLoaded(file: InboxFile, rows: FileRowCounts): Promise<void>;
  quarantine(file: InboxFile, reason: string, rows?: Omit<FileRowCounts, 'loaded'>): Promise<void>;
  /** Replaces the rejected rows kept for a file version (a second read of it records them again). */
  recordRejects(file: Pick<InboxFile, 'key' | 'version'>, rejects: readonly RejectedRow[]): Promise<void>;
  /** The rejected rows kept for a file version, in the file's order. */
  rejectsOf(file: Pick<InboxFile, 'key' | 'version'>): Promise<RejectedRow[]>;
  /**
   * Returns a quarantined file version to `discovered`, so the next detection cycle claims and reads it again, under
   * `policy` when given (else its table's). Its reason, counts and rejects are cleared. False when it is not
   * quarantined, or its key names no table (nothing could read it).
   */
  replay(file: Pick<InboxFile, 'key' | 'version'>, policy?: string): Promise<boolean>;
  /** Forgets every claim: for a restart whose queues are new and empty, so no claimed file is in flight. */
  releaseClaims(): Promise<void>;
  list(): Promise<InboxEntry[]>;
}

const uniqueViolation = '23505';

/** An {@link InboxLedger} in the platform's state schema. */
export function createInboxLedger(pool: pg.Pool, schema: string): InboxLedger {
  const t = `${pg.escapeIdentifier(schema)}.inbox_file`;
  const select = `SELECT file_key, version, bytes::float8 AS bytes, table_name, state, content_sha256, duplicate_of,
    reason, claim_id, rows_read::float8 AS rows_read, rows_loaded::float8 AS rows_loaded,
    rows_rejected::float8 AS rows_rejected, policy, read_whole, discovered_at, claimed_at, finished_at FROM ${t}`;
  const rejects = `${pg.escapeIdentifier(schema)}.inbox_reject`;
  const recordContent = async (file: InboxFile, sha256: string): Promise<string | null> => {
    const { rows } = await pool.query<{ duplicate_of: string | null }>(
      `UPDATE ${t} f SET content_sha256 = $3, duplicate_of = (
         SELECT o.file_key FROM ${t} o
         WHERE o.content_sha256 = $3 AND o.duplicate_of IS NULL AND o.state IN ('claimed', 'loaded')
           AND (o.file_key, o.version) <> ($1, $2)
         ORDER BY o.discovered_at LIMIT 1)
       WHERE f.file_key = $1 AND f.version = $2 RETURNING f.duplicate_of`,
      [file.key, file.version, sha256],
    );
    return rows[0]?.duplicate_of ?? null;
  };
  return {
    async discover(files) {
      if (files.length === 0) return [];
      const { rows } = await pool.query(
        `INSERT INTO ${t} (file_key, version, bytes, table_name, state, reason, finished_at)
         SELECT f.key, f.version, f.bytes, f.table_name, CASE WHEN f.reason IS NULL THEN 'discovered' ELSE 'quarantined' END,
                f.reason, CASE WHEN f.reason IS NOT NULL THEN now() END
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])
           AS f(key, version, bytes, table_name, reason)
         ON CONFLICT (file_key, version) DO NOTHING
         RETURNING file_key, version, bytes::float8 AS bytes, table_name, state, content_sha256, duplicate_of, reason,
           claim_id, rows_read, rows_loaded, rows_rejected, policy, read_whole, discovered_at, claimed_at, finished_at`,
        [
          files.map((file) => file.key),
          files.map((file) => file.version),
          files.map((file) => file.bytes),
          files.map((file) => file.table),
          files.map((file) => file.reason ?? null),
        ],
      );
      return rows.map(entryOf);
    },
    async due(now) {
      const { rows } = await pool.query(
        `${select} WHERE state = 'discovered' OR (state = 'claimed' AND lease_until < $1)
         ORDER BY discovered_at, file_key`,
        [now],
      );
      return rows.map(entryOf);
    },
    async claim(file, claimId, now, leaseMs) {
      const { rowCount } = await pool.query(
        `UPDATE ${t} SET state = 'claimed', claim_id = $3, claimed_at = $4, finisher = NULL,
           lease_until = $4::timestamptz + make_interval(secs => $5::float8 / 1000)
         WHERE file_key = $1 AND version = $2
           AND (state = 'discovered' OR (state = 'claimed' AND lease_until < $4))`,
        [file.key, file.version, claimId, now, leaseMs],
      );
      return rowCount === 1;
    },
    async claimAll(files, claimId, now, leaseMs) {
      if (files.length === 0) return [];
      const { rows } = await pool.query<{ file_key: string; version: string }>(
        `UPDATE ${t} f SET state = 'claimed', claim_id = $3, claimed_at = $4, finisher = NULL,
           lease_until = $4::timestamptz + make_interval(secs => $5::float8 / 1000)
         FROM unnest($1::text[], $2::text[]) AS c(file_key, version)
         WHERE f.file_key = c.file_key AND f.version = c.version
           AND (f.state = 'discovered' OR (f.state = 'claimed' AND f.lease_until < $4))
         RETURNING f.file_key, f.version`,
        [files.map((file) => file.key), files.map((file) => file.version), claimId, now, leaseMs],
      );
      const claimed = new Set(rows.map((row) => `${row.file_key}\n${row.version}`));
      return files.filter((file) => claimed.has(`${file.key}\n${file.version}`));
    },
    async get(file) {
      const { rows } = await pool.query(`${select} WHERE file_key = $1 AND version = $2`, [
        file.key,
        file.version,
      ]);
      return rows[0] ? entryOf(rows[0]) : null;
    },
    async versionsOf(key) {
      const { rows } = await pool.query(`${select} WHERE file_key = $1 ORDER BY discovered_at, version`, [
        key,
      ]);
      return rows.map(entryOf);
    },
    async recordContent(file, sha256) {
      try {
        return await recordContent(file, sha256);
      } catch (error) {
        // Two copies read at once: the one that recorded its hash first owns the bytes; this one sees it now.
        if ((error as { code?: string }).code !== uniqueViolation) throw error;
        return recordContent(file, sha256);
      }
    },
    async markLoaded(file, rows) {
      await pool.query(
        `UPDATE ${t} SET state = 'loaded', rows_read = $3, rows_loaded = $4, rows_rejected = $5, lease_until = NULL,
           finished_at = now() WHERE file_key = $1 AND version = $2`,
        [file.key, file.version, rows.read, rows.loaded, rows.rejected ?? 0],
      );
    },
    async quarantine(file, reason, rows) {
      await pool.query(
        `UPDATE ${t} SET state = 'quarantined', reason = $3, rows_read = $4, rows_loaded = 0, rows_rejected = $5,
           lease_until = NULL, finished_at = now() WHERE file_key = $1 AND version = $2`,
        [file.key, file.version, reason, rows?.read ?? null, rows?.rejected ?? null],
      );
    },
    recordRejects: (file, rows) => replaceRejects(pool, rejects, file, rows),
    async rejectsOf(file) {
      const { rows } = await pool.query(
        `SELECT place, at::float8 AS at, column_name, reason, raw FROM ${rejects}
         WHERE file_key = $1 AND version = $2 ORDER BY at`,
        [file.key, file.version],
      );
      return rows.map((row) => ({
        place: row.place,
        at: row.at,
        column: row.column_name,
        reason: row.reason,
        raw: row.raw,
      }));
    },
    async replay(file, policy) {
      // One statement: the file is due again and its rejects are gone, or neither.
      const { rows } = await pool.query(
        `WITH replayed AS (
           UPDATE ${t} SET state = 'discovered', policy = $3, reason = NULL, content_sha256 = NULL,
             duplicate_of = NULL, claim_id = NULL, lease_until = NULL, claimed_at = NULL, finished_at = NULL, finisher = NULL,
             rows_read = NULL, rows_loaded = NULL, rows_rejected = NULL
           WHERE file_key = $1 AND version = $2 AND state = 'quarantined' AND table_name IS NOT NULL
           RETURNING file_key, version),
         cleared AS (
           DELETE FROM ${rejects} r USING replayed p WHERE r.file_key = p.file_key AND r.version = p.version)
         SELECT count(*)::int AS n FROM replayed`,
        [file.key, file.version, policy ?? null],
      );
      return rows[0]?.n === 1;
    },
    async releaseClaims() {
      await pool.query(
        `UPDATE ${t} SET state = 'discovered', claim_id = NULL, lease_until = NULL, finisher = NULL
         WHERE state = 'claimed'`,
      );
    },
    async list() {
      const { rows } = await pool.query(`${select} ORDER BY discovered_at, file_key, version`);
      return rows.map(entryOf);
    },
  };
}

async function replaceRejects(
  pool: pg.Pool,
  table: string,
  file: Pick<InboxFile, 'key' | 'version'>,
  rejects: readonly RejectedRow[],
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`DELETE FROM ${table} WHERE file_key = $1 AND version = $2`, [file.key, file.version]);
    if (rejects.length > 0)
      await client.query(
        `INSERT INTO ${table} (file_key, version, place, at, column_name, reason, raw)
           SELECT $1, $2, r.place, r.at, r.column_name, r.reason, r.raw
           FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
             AS r(place, at, column_name, reason, raw)
           ON CONFLICT DO NOTHING`,
        [
          file.key,
          file.version,
          rejects.map((reject) => reject.place),
          rejects.map((reject) => reject.at),
          rejects.map((reject) => reject.column),
          rejects.map((reject) => reject.reason),
          rejects.map((reject) => reject.raw),
        ],
      );
  });
}

function entryOf(row: Record<string, unknown>): InboxEntry {
  return {
    key: row.file_key as string,
    version: row.version as string,
    bytes: row.bytes as number,
    table: row.table_name as string | null,
    state: row.state as InboxFileState,
    sha256: row.content_sha256 as string | null,
    duplicateOf: row.duplicate_of as string | null,
    reason: row.reason as string | null,
    claimId: row.claim_id as string | null,
    rowsRead: row.rows_read as number | null,
    rowsLoaded: row.rows_loaded as number | null,
    rowsRejected: (row.rows_rejected ?? null) as number | null,
    policy: (row.policy ?? null) as string | null,
    readWhole: row.read_whole === true,
    discoveredAt: row.discovered_at as Date,
    claimedAt: row.claimed_at as Date | null,
    finishedAt: row.finished_at as Date | null,
  };
}
