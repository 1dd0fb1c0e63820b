import pg from 'pg';

/** What the ledger records of a message when it is loaded. */
export interface LedgerMessage {
  readonly messageId: string;
  readonly runId: string;
  readonly model: { readonly name: string };
  readonly table: string;
  readonly extractionId: string | null;
}

/** Rows read and written by a load. */
export interface LoadTotals {
  readonly received: number;
  readonly written: number;
}

/** Where a message's load stands in the ledger. */
export interface LedgerProgress {
  /** The message's row is in `load_ledger`: every part is loaded and the model marked loaded. */
  readonly done: boolean;
  /** The parts in `load_ledger_part`, committed by any delivery. */
  readonly loaded: readonly number[];
}

/**
 * The load ledger in the state schema: `load_ledger`, one row per loaded message, and `load_ledger_part`, one row
 * per loaded part of a dataset loaded in parts. Each write runs on the client of the load's own transaction, so a
 * ledger row commits with the rows it accounts for, or not at all.
 */
export interface LoadLedger {
  progress(pool: pg.Pool, messageId: string): Promise<LedgerProgress>;
  /**
   * Claims the message for this transaction; false if another delivery loaded it (a concurrent one is waited for:
   * its row's lock is held to its commit).
   */
  claimMessage(client: pg.ClientBase, message: LedgerMessage): Promise<boolean>;
  recordMessage(client: pg.ClientBase, messageId: string, totals: LoadTotals): Promise<void>;
  /**
   * Claims those of `parts` that no delivery has loaded, and none once the message is loaded; returns them,
   * ascending. A part another transaction is loading is waited for, and is claimed only if that transaction fails.
   */
  claimParts(client: pg.ClientBase, messageId: string, parts: readonly number[]): Promise<number[]>;
  /** Records the rows of the claimed parts; a transaction's rows written are counted on its first part. */
  recordParts(
    client: pg.ClientBase,
    messageId: string,
    parts: readonly number[],
    received: readonly number[],
    written: number,
  ): Promise<void>;
  /**
   * Records the message as loaded, with the totals of its `partCount` parts, if every part is in and no delivery
   * recorded it first: returns the totals then, null otherwise (a concurrent completion is waited for).
   */
  completeMessage(
    client: pg.ClientBase,
    message: LedgerMessage,
    partCount: number,
  ): Promise<LoadTotals | null>;
}

/** The {@link LoadLedger} in `stateSchema`. */
export function loadLedger(stateSchema: string): LoadLedger {
  const messages = `${pg.escapeIdentifier(stateSchema)}.load_ledger`;
  const parts = `${pg.escapeIdentifier(stateSchema)}.load_ledger_part`;
  const messageColumns =
    'message_id, run_id, extraction_id, model, source_table, rows_received, rows_written';
  return {
    async progress(pool, messageId) {
      const { rows } = await pool.query<{ done: boolean; loaded: number[] }>(
        `SELECT EXISTS (SELECT 1 FROM ${messages} WHERE message_id = $1) AS done,
                ARRAY(SELECT part FROM ${parts} WHERE message_id = $1 ORDER BY part) AS loaded`,
        [messageId],
      );
      return { done: rows[0]?.done ?? false, loaded: rows[0]?.loaded ?? [] };
    },
    async claimMessage(client, message) {
      // The ledger row comes first: a concurrent second delivery waits on it, then sees it and skips.
      const claimed = await client.query(
        `INSERT INTO ${messages} (${messageColumns}) VALUES ($1, $2, $3, $4, $5, 0, 0)
         ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        [message.messageId, message.runId, message.extractionId, message.model.name, message.table],
      );
      return claimed.rowCount === 1;
    },
    async recordMessage(client, messageId, totals) {
      await client.query(
        `UPDATE ${messages} SET rows_received = $2, rows_written = $3 WHERE message_id = $1`,
        [messageId, totals.received, totals.written],
      );
    },
    async claimParts(client, messageId, wanted) {
      // In ascending order, as every claim is, so two claims waiting on each other's parts never deadlock.
      const { rows } = await client.query<{ part: number }>(
        `INSERT INTO ${parts} (message_id, part, rows_received, rows_written)
         SELECT $1::uuid, part, 0, 0 FROM unnest($2::integer[]) AS part
         WHERE NOT EXISTS (SELECT 1 FROM ${messages} WHERE message_id = $1)
         ORDER BY part
         ON CONFLICT (message_id, part) DO NOTHING RETURNING part`,
        [messageId, [...wanted]],
      );
      return rows.map((row) => row.part).sort((a, b) => a - b);
    },
    async recordParts(client, messageId, claimed, received, written) {
      await client.query(
        `UPDATE ${parts} p SET rows_received = r.received, rows_written = CASE WHEN r.part = $4 THEN $5 ELSE 0 END
         FROM unnest($2::integer[], $3::integer[]) AS r(part, received)
         WHERE p.message_id = $1 AND p.part = r.part`,
        [messageId, [...claimed], [...received], claimed[0], written],
      );
    },
    async completeMessage(client, message, partCount) {
      const { rows } = await client.query<LoadTotals>(
        `INSERT INTO ${messages} (${messageColumns})
         SELECT $1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, sum(rows_received), sum(rows_written) FROM ${parts} WHERE message_id = $1
         HAVING count(*) = $6
         ON CONFLICT (message_id) DO NOTHING RETURNING rows_received AS received, rows_written AS written`,
        [
          message.messageId,
          message.runId,
          message.extractionId,
          message.model.name,
          message.table,
          partCount,
        ],
      );
      return rows[0] ?? null;
    },
  };
}
