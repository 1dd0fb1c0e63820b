/** Codes carried by every {@link ChangeDetectorError}. */
export const ChangeDetectorErrorCode = {
  tableFailed: 'TABLE_FAILED',
  malformedInboxEvent: 'MALFORMED_INBOX_EVENT',
} as const;
export type ChangeDetectorErrorCode = (typeof ChangeDetectorErrorCode)[keyof typeof ChangeDetectorErrorCode];

/** Base error of the change detector. */
export class ChangeDetectorError extends Error {
  override name = 'ChangeDetectorError';
  constructor(
    readonly code: ChangeDetectorErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
