import { join, resolve } from 'node:path';
import { type InboxPolicy, ModelError, noSourceDatabase, parseInboxPolicies } from '@totes/model';
import { InvalidConfigError } from './errors';

/** The platform's settings, read from the environment. */
export interface PlatformConfig {
  /** The app stage: names of topics, queues and lake prefixes are scoped by it. */
  readonly stage: string;
  /** The source database's URL, or {@link noSourceUrl} for a platform fed by its inbox alone. */
  readonly sourceUrl: string;
  /** The inbox: a folder or `s3://bucket/prefix` where files of a table's rows are dropped, `<table>/<name>.csv`. */
  readonly inboxUrl: string;
  /** Per-table overrides of the model's inbox policies (`TOTES_INBOX_POLICY`); empty unless set. */
  readonly inboxPolicies: Readonly<Record<string, InboxPolicy>>;
  /** The most files, and bytes, the detector claims together for one extraction (`TOTES_INBOX_BATCH_*`). */
  readonly inboxBatch: InboxBatchBudget;
  readonly warehouseUrl: string;
  readonly lakeUrl: string;
  /** The warehouse schema that holds the star schemas. */
  readonly warehouseSchema: string;
  /** The warehouse schema that holds the platform's own state: watermarks and the load ledger. */
  readonly stateSchema: string;
  readonly detectIntervalMs: number;
  /** How far below a table's watermark a row committed late is still caught (the longest source transaction). */
  readonly lateCommitMarginMs: number;
  /** How often each table's keys are reconciled with the lake to find deleted rows; 0 turns the check off. */
  readonly deleteCheckIntervalMs: number;
  /** How many transactions load the parts of one large dataset at once (`TOTES_LOAD_PARALLELISM`). */
  readonly loadParallelism: number;
  readonly region: string;
}

/** Environment variables the platform reads. */
export const ConfigVariable = {
  stage: 'TOTES_STAGE',
  sourceUrl: 'TOTES_SOURCE_URL',
  inboxUrl: 'TOTES_INBOX_URL',
  inboxPolicies: 'TOTES_INBOX_POLICY',
  inboxBatchFiles: 'TOTES_INBOX_BATCH_FILES',
  inboxBatchMiB: 'TOTES_INBOX_BATCH_MIB',
  inboxPieceMiB: 'TOTES_INBOX_PIECE_MIB',
  warehouseUrl: 'TOTES_WAREHOUSE_URL',
  lakeUrl: 'TOTES_LAKE_URL',
  warehouseSchema: 'TOTES_WAREHOUSE_SCHEMA',
  stateSchema: 'TOTES_STATE_SCHEMA',
  detectIntervalMs: 'TOTES_DETECT_INTERVAL_MS',
  lateCommitMarginMs: 'TOTES_LATE_COMMIT_MARGIN_MS',
  deleteCheckIntervalMs: 'TOTES_DELETE_CHECK_INTERVAL_MS',
  loadParallelism: 'TOTES_LOAD_PARALLELISM',
} as const;

/** `TOTES_SOURCE_URL=none`: no source database; the inbox is the platform's only input. */
export const noSourceUrl = noSourceDatabase;

/** Whether the platform reads a source database, or its inbox alone. */
export function hasSourceDatabase(config: Pick<PlatformConfig, 'sourceUrl'>): boolean {
  return config.sourceUrl !== noSourceUrl;
}

/** The inbox unless `TOTES_INBOX_URL` says otherwise: `inbox/` under the state folder. */
export function defaultInboxUrl(env: Env = process.env): string {
  return join(resolve(env.TOTES_STATE_DIR ?? '.totes'), 'inbox');
}

/** The delete check's cadence unless `TOTES_DELETE_CHECK_INTERVAL_MS` says otherwise: ten minutes. */
export const defaultDeleteCheckIntervalMs = 10 * 60_000;

/**
 * How much of the inbox one claim, and so one extraction, may take: many small files of one table are read into one
 * raw dataset, so the builders and the loader see one extraction, not one per file. A file larger than `bytes` is
 * claimed alone; one larger than `pieceBytes`, of a format that splits (plain CSV or JSON Lines), is cut into pieces
 * of about that size, each read by a message of its own, in parallel.
 */
export interface InboxBatchBudget {
  readonly files: number;
  readonly bytes: number;
  /** The size of one piece of a large file; absent: the default, 64 MiB. */
  readonly pieceBytes?: number;
}

/**
 * The batch budget unless `TOTES_INBOX_BATCH_FILES`, `TOTES_INBOX_BATCH_MIB` and `TOTES_INBOX_PIECE_MIB` say
 * otherwise: 1000 files, 64 MiB, pieces of 64 MiB.
 */
export const defaultInboxBatch = {
  files: 1000,
  bytes: 64 * 1024 * 1024,
  pieceBytes: 64 * 1024 * 1024,
} as const satisfies Required<InboxBatchBudget>;

/** Transactions per large dataset's load unless `TOTES_LOAD_PARALLELISM` says otherwise. */
export const defaultLoadParallelism = 2;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the config from env, with `defaults` for what the local stack provides. Throws an
 * {@link InvalidConfigError} naming the variable when a value is missing or malformed.
 */
export function loadConfig(env: Env = process.env, defaults: Partial<PlatformConfig> = {}): PlatformConfig {
  const pick = (name: string, fallback: string | undefined) => {
    const value = env[name]?.trim() || fallback;
    if (!value) throw new InvalidConfigError(`${name} is not set`);
    return value;
  };
  return {
    stage: identifier(
      ConfigVariable.stage,
      pick(ConfigVariable.stage, defaults.stage ?? 'local'),
      /^[a-z][a-z0-9-]{0,30}$/,
    ),
    sourceUrl: sourceUrl(pick(ConfigVariable.sourceUrl, defaults.sourceUrl)),
    inboxUrl: pick(ConfigVariable.inboxUrl, defaults.inboxUrl ?? defaultInboxUrl(env)),
    inboxPolicies: inboxPolicies(env[ConfigVariable.inboxPolicies], defaults.inboxPolicies),
    inboxBatch: {
      files: positiveInt(
        ConfigVariable.inboxBatchFiles,
        pick(ConfigVariable.inboxBatchFiles, String(defaults.inboxBatch?.files ?? defaultInboxBatch.files)),
      ),
      bytes:
        positiveInt(
          ConfigVariable.inboxBatchMiB,
          pick(
            ConfigVariable.inboxBatchMiB,
            String((defaults.inboxBatch?.bytes ?? defaultInboxBatch.bytes) / (1024 * 1024)),
          ),
        ) *
        1024 *
        1024,
      // In MiB from the environment; in bytes from the defaults, so a test may cut a small file.
      pieceBytes: pieceBytes(env[ConfigVariable.inboxPieceMiB], defaults.inboxBatch?.pieceBytes),
    },
    warehouseUrl: postgresUrl(
      ConfigVariable.warehouseUrl,
      pick(ConfigVariable.warehouseUrl, defaults.warehouseUrl),
    ),
    lakeUrl: pick(ConfigVariable.lakeUrl, defaults.lakeUrl),
    warehouseSchema: identifier(
      ConfigVariable.warehouseSchema,
      pick(ConfigVariable.warehouseSchema, defaults.warehouseSchema ?? 'public'),
    ),
    stateSchema: identifier(
      ConfigVariable.stateSchema,
      pick(ConfigVariable.stateSchema, defaults.stateSchema ?? 'totes'),
    ),
    detectIntervalMs: positiveInt(
      ConfigVariable.detectIntervalMs,
      pick(ConfigVariable.detectIntervalMs, String(defaults.detectIntervalMs ?? 1000)),
    ),
    lateCommitMarginMs: positiveInt(
      ConfigVariable.lateCommitMarginMs,
      pick(ConfigVariable.lateCommitMarginMs, String(defaults.lateCommitMarginMs ?? 60_000)),
    ),
    deleteCheckIntervalMs: nonNegativeInt(
      ConfigVariable.deleteCheckIntervalMs,
      pick(
        ConfigVariable.deleteCheckIntervalMs,
        String(defaults.deleteCheckIntervalMs ?? defaultDeleteCheckIntervalMs),
      ),
    ),
    loadParallelism: positiveInt(
      ConfigVariable.loadParallelism,
      pick(ConfigVariable.loadParallelism, String(defaults.loadParallelism ?? defaultLoadParallelism)),
    ),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? defaults.region ?? 'us-east-1',
  };
}

/**
 * The per-table inbox policies `TOTES_INBOX_POLICY` sets (`sales_order=skip:1%,payment=fail`), or `fallback` when it
 * is unset: read alike by the local config and the Lambda entries.
 *
 * @throws {@link InvalidConfigError} naming the variable, for an unknown table or a malformed policy.
 */
export function inboxPolicies(
  text: string | undefined,
  fallback: Readonly<Record<string, InboxPolicy>> = {},
): Readonly<Record<string, InboxPolicy>> {
  if (!text?.trim()) return fallback;
  try {
    return parseInboxPolicies(text);
  } catch (error) {
    if (error instanceof ModelError)
      throw new InvalidConfigError(`${ConfigVariable.inboxPolicies}: ${error.message}`);
    throw error;
  }
}

function sourceUrl(value: string): string {
  return value.toLowerCase() === noSourceUrl ? noSourceUrl : postgresUrl(ConfigVariable.sourceUrl, value);
}

/** Checks that a value is a PostgreSQL connection URL, without ever echoing its password. */
export function postgresUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not echoed: a malformed connection string may hold a password in any shape.
    throw new InvalidConfigError(
      `${name} is not a URL; expected postgres://user:password@host:port/database`,
    );
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
    throw new InvalidConfigError(`${name} must be a postgres:// URL, got ${url.protocol}//…`);
  }
  if (url.pathname.length <= 1)
    throw new InvalidConfigError(`${name} names no database: add /<database> to the URL`);
  return value;
}

function identifier(name: string, value: string, pattern = /^[a-z_][a-z0-9_]{0,62}$/): string {
  if (!pattern.test(value)) throw new InvalidConfigError(`${name} must match ${pattern}, got "${value}"`);
  return value;
}

function pieceBytes(mib: string | undefined, defaultBytes: number | undefined): number {
  if (mib === undefined) return defaultBytes ?? defaultInboxBatch.pieceBytes;
  return positiveInt(ConfigVariable.inboxPieceMiB, mib) * 1024 * 1024;
}

function positiveInt(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new InvalidConfigError(`${name} must be a positive integer, got "${value}"`);
  return number;
}

function nonNegativeInt(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidConfigError(`${name} must be an integer of 0 or more, got "${value}"`);
  return number;
}
