/** Codes carried by every {@link LocalStackError}. */
export const LocalStackErrorCode = {
  postgresStartFailed: 'POSTGRES_START_FAILED',
  portUnavailable: 'PORT_UNAVAILABLE',
  alreadyRunning: 'ALREADY_RUNNING',
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
