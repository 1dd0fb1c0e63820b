import type { InboxFile } from '@totes/contracts';
import pg from 'pg';
import { inTransaction } from './in-transaction';
import type { RejectedRow } from './inbox-ledger';

/** What the read of one piece of a large file found, kept until its last piece is read and the file finished. */
export interface PieceRecord {
  readonly index: number;
  readonly of: number;
  /** The hash of the piece's byte range, as stored. */
  readonly sha256: string;
  /** Records read, bad ones included. */
  readonly read: number;
  readonly rejected: number;
  /** Rows another row of their key in the same piece superseded. */
  readonly superseded: number;
  /** The lines the piece's range holds (the header's among them, for the first piece of a CSV file). */
  readonly lines: number;
  /** The raw parts it wrote (the rows of the piece that were read and not superseded), and their size. */
  readonly parts: readonly string[];
  readonly rows: number;
  readonly bytes: number;
  readonly unknownColumns: readonly string[];
  /** Why the piece cannot load: a bad row under `fail`, or a problem of the file. */
  readonly problem: string | null;
  /** Why the file cannot be read in pieces (a quoted line break in a CSV field): it is read whole instead. */
  readonly unsplittable: string | null;
  /** Its first rejected rows, placed by their line in the piece (see {@link PieceRecord.lines}). */
  readonly rejects: readonly RejectedRow[];
  /** The least and greatest primary key it wrote (null: none): pieces whose ranges meet may share a key. */
  readonly minKey: number | null;
  readonly maxKey: number | null;
}

/** A piece's record and the primary keys it wrote, sorted, each once, as little-endian int32s. */
export interface ReadPiece {
  readonly record: PieceRecord;
  readonly keys: Uint8Array;
}

/** The ledger of the pieces of large files: what each read found, until its file is finished. */
export interface InboxPieceLedger {
  /**
   * Records the read of one piece of the file under its claim `claimId` (again, when read again). Returns whether
   * the claim still held the file, being read (else nothing is recorded), and whether the message `messageId` is
   * the one to finish the file: every piece is read and no other message finishes it.
   */
  recordPiece(
    file: Pick<InboxFile, 'key' | 'version'>,
    claimId: string,
    messageId: string,
    piece: ReadPiece,
  ): Promise<{ held: boolean; finishes: boolean }>;
  /** What the pieces read under the claim found, in the file's order (without their keys). */
  piecesOf(file: Pick<InboxFile, 'key' | 'version'>, claimId: string): Promise<PieceRecord[]>;
  /** The keys one piece wrote, sorted, each once. */
  keysOf(file: Pick<InboxFile, 'key' | 'version'>, claimId: string, piece: number): Promise<Int32Array>;
  /** Forgets the file's pieces: it is loaded or quarantined, and its entry says so. */
  forgetPieces(file: Pick<InboxFile, 'key' | 'version'>): Promise<void>;
  /**
   * Returns the file from its claim to `discovered`, to be read whole next time (it cannot be read in pieces), and
   * forgets its pieces. False when the claim is no longer the file's.
   */
  readWhole(file: Pick<InboxFile, 'key' | 'version'>, claimId: string): Promise<boolean>;
}

/** The piece ledger in the state schema (`totes.inbox_piece`, beside the files' `inbox_file`). */
export function createInboxPieceLedger(pool: pg.Pool, schema: string): InboxPieceLedger {
  const files = `${pg.escapeIdentifier(schema)}.inbox_file`;
  const pieces = `${pg.escapeIdentifier(schema)}.inbox_piece`;
  const forgetFile = `DELETE FROM ${pieces} WHERE file_key = $1 AND version = $2`;
  return {
    recordPiece: (file, claimId, messageId, piece) =>
      inTransaction(pool, async (client) => {
        // The file's row, locked, orders the pieces that end at once: exactly one sees them all read.
        const held = await client.query(
          `SELECT 1 FROM ${files} WHERE file_key = $1 AND version = $2 AND claim_id = $3 AND state = 'claimed'
           FOR UPDATE`,
          [file.key, file.version, claimId],
        );
        if (held.rowCount !== 1) return { held: false, finishes: false };
        // Each piece read renews the claim's lease, so a file of many pieces keeps it while its pieces are read;
        // the lease, grown with the time the file has taken, still runs out when its reads stop.
        await client.query(
          `UPDATE ${files} SET lease_until = now() + (lease_until - claimed_at)
           WHERE file_key = $1 AND version = $2 AND lease_until IS NOT NULL`,
          [file.key, file.version],
        );
        await client.query(
          `INSERT INTO ${pieces} (file_key, version, claim_id, piece, pieces, record, keys)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (file_key, version, claim_id, piece)
             DO UPDATE SET record = EXCLUDED.record, keys = EXCLUDED.keys, read_at = now()`,
          [
            file.key,
            file.version,
            claimId,
            piece.record.index,
            piece.record.of,
            JSON.stringify(piece.record),
            Buffer.from(piece.keys.buffer, piece.keys.byteOffset, piece.keys.byteLength),
          ],
        );
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${pieces} WHERE file_key = $1 AND version = $2 AND claim_id = $3`,
          [file.key, file.version, claimId],
        );
        if (rows[0]?.n !== piece.record.of) return { held: true, finishes: false };
        const taken = await client.query(
          `UPDATE ${files} SET finisher = $4 WHERE file_key = $1 AND version = $2 AND claim_id = $3
             AND (finisher IS NULL OR finisher = $4)`,
          [file.key, file.version, claimId, messageId],
        );
        return { held: true, finishes: taken.rowCount === 1 };
      }),
    async piecesOf(file, claimId) {
      const { rows } = await pool.query<{ record: PieceRecord }>(
        `SELECT record FROM ${pieces} WHERE file_key = $1 AND version = $2 AND claim_id = $3 ORDER BY piece`,
        [file.key, file.version, claimId],
      );
      return rows.map((row) => row.record);
    },
    async keysOf(file, claimId, piece) {
      // As base64: bytea as text is hex, twice its size, and a piece's keys are megabytes.
      const { rows } = await pool.query<{ keys: string }>(
        `SELECT encode(keys, 'base64') AS keys FROM ${pieces}
         WHERE file_key = $1 AND version = $2 AND claim_id = $3 AND piece = $4`,
        [file.key, file.version, claimId, piece],
      );
      // A copy, aligned for the int32s.
      return new Int32Array(new Uint8Array(Buffer.from(rows[0]?.keys ?? '', 'base64')).buffer);
    },
    async forgetPieces(file) {
      await pool.query(forgetFile, [file.key, file.version]);
    },
    readWhole: (file, claimId) =>
      inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(
          `UPDATE ${files} SET state = 'discovered', read_whole = true, claim_id = NULL, lease_until = NULL,
             finisher = NULL, claimed_at = NULL
           WHERE file_key = $1 AND version = $2 AND claim_id = $3 AND state = 'claimed'`,
          [file.key, file.version, claimId],
        );
        await client.query(forgetFile, [file.key, file.version]);
        return rowCount === 1;
      }),
  };
}
