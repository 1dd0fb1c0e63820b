import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type LocalPostgres, startLocalPostgres } from './embedded-postgres';
import { LocalStackError, LocalStackErrorCode } from './errors';
import { type LocalAws, startLocalAws } from './fauxqs';

/** Where each part of the platform lives: the embedded parts, or real ones named in env. */
export interface StackUrls {
  readonly sourceUrl: string;
  readonly warehouseUrl: string;
  readonly lakeUrl: string;
  /** The AWS endpoint for SNS and SQS (fauxqs), or undefined to use AWS itself. */
  readonly awsEndpoint: string | undefined;
}

/** The local stack: what it started, and where everything is. */
export interface LocalStack extends StackUrls {
  readonly postgres: LocalPostgres | undefined;
  readonly aws: LocalAws | undefined;
  /** Whether the embedded totesys is in use, and so may be seeded. */
  readonly embeddedSource: boolean;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** The folder that holds Postgres' data and the lake, kept across restarts. */
  stateDir: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Hears of each change made outside the state folder (as root: where PostgreSQL's binaries and data went). */
  onNotice?: (message: string) => void;
}

/**
 * Starts what env does not point elsewhere: embedded PostgreSQL (databases `totesys` and `warehouse`) unless both
 * TOTES_SOURCE_URL and TOTES_WAREHOUSE_URL are set; fauxqs for SNS and SQS unless AWS_ENDPOINT_URL or
 * TOTES_USE_AWS is set; a lake folder under the state folder unless TOTES_LAKE_URL is set.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const stateDir = resolve(options.stateDir);
  await mkdir(stateDir, { recursive: true });
  const lock = await lockStateDir(stateDir);
  const needsPostgres = !env.TOTES_SOURCE_URL || !env.TOTES_WAREHOUSE_URL;
  const postgres = needsPostgres
    ? await startLocalPostgres({
        dataDir: join(stateDir, 'postgres'),
        ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      })
    : undefined;
  if (postgres) {
    await postgres.ensureDatabase('totesys');
    await postgres.ensureDatabase('warehouse');
  }
  const useAws = Boolean(env.AWS_ENDPOINT_URL || env.TOTES_USE_AWS);
  const aws = useAws ? undefined : await startLocalAws();
  return {
    sourceUrl: env.TOTES_SOURCE_URL || (postgres?.url('totesys') ?? ''),
    warehouseUrl: env.TOTES_WAREHOUSE_URL || (postgres?.url('warehouse') ?? ''),
    lakeUrl: env.TOTES_LAKE_URL || join(stateDir, 'lake'),
    awsEndpoint: aws?.endpoint ?? env.AWS_ENDPOINT_URL,
    embeddedSource: !env.TOTES_SOURCE_URL,
    postgres,
    aws,
    async stop() {
      await aws?.stop();
      await postgres?.stop();
      await lock.release();
    },
  };
}

/**
 * One platform process per state folder: a second one would stop the first one's database. A lock left by a
 * process that died is taken over.
 */
async function lockStateDir(stateDir: string): Promise<{ release(): Promise<void> }> {
  const path = join(stateDir, 'platform.pid');
  const holder = Number(await readFile(path, 'utf8').catch(() => ''));
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new LocalStackError(
      LocalStackErrorCode.alreadyRunning,
      `another totes process (pid ${holder}) is running on ${stateDir}; stop it first, or set TOTES_STATE_DIR`,
    );
  }
  await writeFile(path, String(process.pid));
  return { release: () => rm(path, { force: true }) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
