/** Codes carried by every {@link LocalStackError}. */
export const LocalStackErrorCode = {
  postgresStartFailed: 'POSTGRES_START_FAILED',
  postgresUnreachable: 'POSTGRES_UNREACHABLE',
  portUnavailable: 'PORT_UNAVAILABLE',
  alreadyRunning: 'ALREADY_RUNNING',
  postgresDataTooOld: 'POSTGRES_DATA_TOO_OLD',
} as const;
export type LocalStackErrorCode = (typeof LocalStackErrorCode)[keyof typeof LocalStackErrorCode];

/** Base error of the local stack: embedded Postgres, fauxqs and the lake folder. */
export class LocalStackError extends Error {
  override name = 'LocalStackError';
  constructor(
    readonly code: LocalStackErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The `postgres` system user, which runs PostgreSQL when the platform runs as root, cannot reach a folder it needs,
 * and the platform will not change that folder's permissions. Raised before anything is spawned.
 */
export class PostgresUnreachableError extends LocalStackError {
  override name = 'PostgresUnreachableError';
  constructor(
    /** The folder or file the `postgres` user cannot use. */
    readonly folder: string,
    message: string,
  ) {
    super(LocalStackErrorCode.postgresUnreachable, message);
  }
}

/**
 * The data folder was made by another major version of PostgreSQL than the embedded one (a `.totes/` made under
 * PostgreSQL 17, opened by 18): PostgreSQL cannot open it, and the platform will not delete a warehouse on its own.
 */
export class PostgresDataVersionError extends LocalStackError {
  override name = 'PostgresDataVersionError';
  constructor(
    /** The data folder. */
    readonly folder: string,
    /** The major version that made it, from its `PG_VERSION`. */
    readonly dataVersion: string,
    /** The major version of the embedded binaries. */
    readonly serverVersion: string,
    message: string,
  ) {
    super(LocalStackErrorCode.postgresDataTooOld, message);
  }
}
