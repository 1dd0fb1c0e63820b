import { join } from 'node:path';
import { type LocalPostgres, startLocalPostgres } from '@totes/local-stack';
import { createPool } from '@totes/runtime';

/** The server settings the report records, so runs on other settings are not compared unawares. */
const recordedSettings = [
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'max_wal_size',
  'wal_level',
] as const;

/** The embedded PostgreSQL that the source, the floor and every warehouse of one benchmark share. */
export interface BenchPostgres {
  readonly server: LocalPostgres;
  /** The server's data folder: where it really is. */
  readonly dataDir: string;
  /** Postgres' version and the settings that matter for loading speed. */
  readonly description: { version: string; mode: 'fast'; settings: Record<string, string> };
}

/**
 * Starts a fresh embedded PostgreSQL under `root` in fast mode (fsync, synchronous_commit and full_page_writes
 * off): the same server, so the same settings, for the source, the COPY floor and the pipeline's warehouses.
 */
export async function startBenchPostgres(root: string): Promise<BenchPostgres> {
  const server = await startLocalPostgres({ dataDir: join(root, 'pg'), fast: true });
  const pool = createPool(server.url('postgres'), { max: 1, applicationName: 'totes-bench' });
  try {
    const version = await pool.query<{ server_version: string }>('SHOW server_version');
    const settings = await pool.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name',
      [recordedSettings],
    );
    return {
      server,
      dataDir: server.dataDir,
      description: {
        version: version.rows[0]?.server_version ?? 'unknown',
        mode: 'fast',
        settings: Object.fromEntries(
          settings.rows.map((row) => [row.name, row.unit ? `${row.setting} × ${row.unit}` : row.setting]),
        ),
      },
    };
  } finally {
    await pool.end();
  }
}

/** The size of a database of the bench's server. */
export async function databaseSize(postgres: BenchPostgres, database: string): Promise<number> {
  const pool = createPool(postgres.server.url('postgres'), { max: 1, applicationName: 'totes-bench' });
  try {
    const size = await pool.query<{ bytes: string }>('SELECT pg_database_size($1) AS bytes', [database]);
    return Number(size.rows[0]?.bytes ?? 0);
  } finally {
    await pool.end();
  }
}

/** Drops a database of the bench's server, ending its connections. */
export async function dropDatabase(postgres: BenchPostgres, database: string): Promise<void> {
  const pool = createPool(postgres.server.url('postgres'), { max: 1, applicationName: 'totes-bench' });
  try {
    await pool.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await pool.end();
  }
}
