/** Codes carried by every {@link BenchError}. */
export const BenchErrorCode = {
  /** The command line could not be understood. */
  usage: 'USAGE',
  /** The platform process failed, exited early or sent something unexpected. */
  platformProcessFailed: 'PLATFORM_PROCESS_FAILED',
  /** A step did not finish within its time bound. */
  timedOut: 'TIMED_OUT',
  /** A message was dead-lettered during the full load. */
  loadFailed: 'LOAD_FAILED',
  /** A change to the source could not be made or traced to the warehouse. */
  changeFailed: 'CHANGE_FAILED',
  /** The dashboard phase could not start the dashboard, open its page or read its answers. */
  dashboardFailed: 'DASHBOARD_FAILED',
  /** esbuild could not bundle the service process as its Lambda is bundled. */
  bundleFailed: 'BUNDLE_FAILED',
} as const;
/** One of the {@link BenchErrorCode} values. */
export type BenchErrorCode = (typeof BenchErrorCode)[keyof typeof BenchErrorCode];

/** Base error of the benchmark: its message is what the user reads. */
export class BenchError extends Error {
  override name = 'BenchError';
  constructor(
    readonly code: BenchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
