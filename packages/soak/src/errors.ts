/** Codes carried by every {@link SoakError}. */
export const SoakErrorCode = {
  invalidOptions: 'SOAK_INVALID_OPTIONS',
  serviceFailed: 'SOAK_SERVICE_FAILED',
  proxyFailed: 'SOAK_PROXY_FAILED',
  aborted: 'SOAK_ABORTED',
} as const;
/** One of the {@link SoakErrorCode} values. */
export type SoakErrorCode = (typeof SoakErrorCode)[keyof typeof SoakErrorCode];

/** Base error of the soak harness. */
export class SoakError extends Error {
  override name = 'SoakError';
  constructor(
    readonly code: SoakErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A flag of `pnpm soak` that is missing, malformed or out of range. */
export class SoakOptionsError extends SoakError {
  override name = 'SoakOptionsError';
  constructor(message: string) {
    super(SoakErrorCode.invalidOptions, message);
  }
}

/** A service process that could not be started or signalled. */
export class SoakServiceError extends SoakError {
  override name = 'SoakServiceError';
  constructor(
    readonly service: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(SoakErrorCode.serviceFailed, message, options);
  }
}

/** A fault proxy that could not listen or forward. */
export class SoakProxyError extends SoakError {
  override name = 'SoakProxyError';
  constructor(message: string, options?: ErrorOptions) {
    super(SoakErrorCode.proxyFailed, message, options);
  }
}

/** A run stopped before its end by its caller (Ctrl-C, a test's time limit); every process was still stopped. */
export class SoakAbortedError extends SoakError {
  override name = 'SoakAbortedError';
  constructor(reason?: unknown) {
    super(
      SoakErrorCode.aborted,
      `the soak was stopped before its end${reason instanceof Error ? ` (${reason.message})` : ''}`,
      { cause: reason },
    );
  }
}
