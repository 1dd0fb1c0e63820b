/** Codes carried by every {@link TableExtractorError}. */
export const TableExtractorErrorCode = {
  unknownTable: 'UNKNOWN_TABLE',
  noSourceClock: 'NO_SOURCE_CLOCK',
} as const;
export type TableExtractorErrorCode = (typeof TableExtractorErrorCode)[keyof typeof TableExtractorErrorCode];

/** Base error of the table extractor. */
export class TableExtractorError extends Error {
  override name = 'TableExtractorError';
  constructor(
    readonly code: TableExtractorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A change message names a table that is not in the catalog: refused before any SQL is built from it. */
export class UnknownSourceTableError extends TableExtractorError {
  override name = 'UnknownSourceTableError';
  readonly permanent = true;
  constructor(readonly table: string) {
    super(TableExtractorErrorCode.unknownTable, `"${table}" is not one of the totesys tables in the catalog`);
  }
}

/**
 * The window was read without the source's clock, so the watermark cannot be capped: the extraction fails before
 * the watermark moves (and is retried) rather than risk a watermark beyond the clock.
 */
export class NoSourceClockError extends TableExtractorError {
  override name = 'NoSourceClockError';
  constructor(readonly table: string) {
    super(TableExtractorErrorCode.noSourceClock, `the read of "${table}" did not report the source's clock`);
  }
}
