import pg from 'pg';

/** The platform instance id the state schema holds, and the lake it was recorded with. */
export interface RecordedInstance {
  readonly instanceId: string;
  readonly lakeUrl: string;
}

/**
 * The state schema's half of the platform's identity: one row, `platform_instance`, holding the id that the lake
 * holds too (`_totes/instance.json`), so a start can tell a lake of its own from another platform's.
 */
export interface PlatformInstanceStore {
  /** The recorded id; null for a state that has none yet. */
  read(): Promise<RecordedInstance | null>;
  /** Records the id (replacing any other): the first run, an adoption, or a lake rebuilt at a new URL. */
  record(instance: RecordedInstance): Promise<void>;
}

/** A {@link PlatformInstanceStore} in the platform's state schema. */
export function createPlatformInstanceStore(pool: pg.Pool, schema: string): PlatformInstanceStore {
  const table = `${pg.escapeIdentifier(schema)}.platform_instance`;
  return {
    async read() {
      const { rows } = await pool.query<{ instance_id: string; lake_url: string }>(
        `SELECT instance_id, lake_url FROM ${table}`,
      );
      const row = rows[0];
      return row ? { instanceId: row.instance_id, lakeUrl: row.lake_url } : null;
    },
    async record({ instanceId, lakeUrl }) {
      await pool.query(
        `INSERT INTO ${table} (instance_id, lake_url) VALUES ($1, $2)
         ON CONFLICT (singleton) DO UPDATE SET instance_id = $1, lake_url = $2, recorded_at = now()`,
        [instanceId, lakeUrl],
      );
    },
  };
}
