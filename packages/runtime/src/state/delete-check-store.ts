import pg from 'pg';

/**
 * When each table's keys were last reconciled with the lake, to find the rows the source deleted. Kept apart from
 * the watermarks: the check has its own cadence and never moves a watermark.
 */
export interface DeleteCheckStore {
  /** When the detector last asked for the table's delete check; null before the first time. */
  lastChecked(table: string): Promise<Date | null>;
  /** Records that a delete check of the table was asked for (or, the first time, that its cadence starts). */
  record(table: string, at: Date): Promise<void>;
}

/** A {@link DeleteCheckStore} in the state schema (`totes.delete_check`). */
export function createDeleteCheckStore(pool: pg.Pool, schema: string): DeleteCheckStore {
  const table = `${pg.escapeIdentifier(schema)}.delete_check`;
  return {
    async lastChecked(name) {
      const { rows } = await pool.query<{ checked_at: Date }>(
        `SELECT checked_at FROM ${table} WHERE table_name = $1`,
        [name],
      );
      return rows[0]?.checked_at ?? null;
    },
    async record(name, at) {
      await pool.query(
        `INSERT INTO ${table} (table_name, checked_at) VALUES ($1, $2)
         ON CONFLICT (table_name) DO UPDATE SET checked_at = $2`,
        [name, at],
      );
    },
  };
}
