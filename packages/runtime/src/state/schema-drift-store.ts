import pg from 'pg';
import { inTransaction } from './in-transaction';

/** A source table stopped because its live columns no longer match the catalog. */
export interface SchemaDrift {
  readonly table: string;
  /** What is wrong, as the schema check said it: the columns dropped or retyped. */
  readonly problem: string;
  readonly detectedAt: Date;
}

/**
 * The source tables whose flow is stopped by schema drift, kept in the state schema so that the detector, the
 * extractor and `totes status` agree on it. A stopped table is not extracted until its schema is fixed.
 */
export interface SchemaDriftStore {
  /**
   * Records that a table has drifted (keeping when it was first seen) and releases its claim in the same
   * transaction: its extraction is not in flight any more, so the detector may ask again as soon as the fix lands.
   */
  record(table: string, problem: string): Promise<void>;
  /** Forgets a table's drift once its schema matches again; true when there was one to forget. */
  clear(table: string): Promise<boolean>;
  /** Every stopped table, by name. */
  list(): Promise<SchemaDrift[]>;
}

/** A {@link SchemaDriftStore} in the platform's state schema (`schema_drift`, created by the state DDL). */
export function createSchemaDriftStore(pool: pg.Pool, schema: string): SchemaDriftStore {
  const s = pg.escapeIdentifier(schema);
  return {
    record: (table, problem) =>
      inTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO ${s}.schema_drift (table_name, problem) VALUES ($1, $2)
           ON CONFLICT (table_name) DO UPDATE SET problem = EXCLUDED.problem`,
          [table, problem],
        );
        await client.query(
          `UPDATE ${s}.watermark SET claimed_up_to = NULL, claimed_at = NULL, updated_at = now() WHERE table_name = $1`,
          [table],
        );
      }),
    async clear(table) {
      const { rowCount } = await pool.query(`DELETE FROM ${s}.schema_drift WHERE table_name = $1`, [table]);
      return (rowCount ?? 0) > 0;
    },
    async list() {
      const { rows } = await pool.query<{ table_name: string; problem: string; detected_at: Date }>(
        `SELECT table_name, problem, detected_at FROM ${s}.schema_drift ORDER BY table_name`,
      );
      return rows.map((row) => ({
        table: row.table_name,
        problem: row.problem,
        detectedAt: row.detected_at,
      }));
    },
  };
}
