/** Codes carried by every {@link CliError}. */
export const CliErrorCode = {
  usage: 'USAGE',
  runFailed: 'RUN_FAILED',
  runTimedOut: 'RUN_TIMED_OUT',
  notFound: 'NOT_FOUND',
  thresholdExceeded: 'THRESHOLD_EXCEEDED',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** Base error of the `totes` command: its message is what the user reads. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}
