/** Codes carried by every {@link TableExtractorError}. */
export const TableExtractorErrorCode = {
  unknownTable: 'UNKNOWN_TABLE',
  noSourceClock: 'NO_SOURCE_CLOCK',
  inboxFileProblem: 'INBOX_FILE_PROBLEM',
  inboxRowProblem: 'INBOX_ROW_PROBLEM',
  inboxFileChanged: 'INBOX_FILE_CHANGED',
  noInbox: 'NO_INBOX',
  unsplittableFile: 'UNSPLITTABLE_FILE',
  badPieceMessage: 'BAD_PIECE_MESSAGE',
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

/**
 * An inbox file cannot be read as its table's rows: not CSV, not UTF-8, a truncated gzip, a missing column, a value
 * of the wrong type. The file is quarantined with this message as its reason; retrying cannot help.
 */
export class InboxFileProblemError extends TableExtractorError {
  override name = 'InboxFileProblemError';
  readonly permanent = true;
  constructor(
    readonly problem: string,
    code: TableExtractorErrorCode = TableExtractorErrorCode.inboxFileProblem,
  ) {
    super(code, problem);
  }
}

/**
 * One record of an inbox file cannot be read as a row of its table (a value of the wrong type, a missing required
 * value, a record of the wrong width). Under a `fail` policy it quarantines the file; under `skip` the row is
 * rejected and the rest of the file may load.
 */
export class InboxRowProblemError extends InboxFileProblemError {
  override name = 'InboxRowProblemError';
  constructor(
    readonly place: 'line' | 'row',
    readonly at: number,
    readonly column: string | null,
    problem: string,
  ) {
    super(problem, TableExtractorErrorCode.inboxRowProblem);
  }
}

/** An inbox file's bytes changed between the read that checked them and the read that wrote them: read again. */
export class InboxFileChangedError extends TableExtractorError {
  override name = 'InboxFileChangedError';
  constructor(readonly key: string) {
    super(TableExtractorErrorCode.inboxFileChanged, `"${key}" changed while it was read; it is read again`);
  }
}

/** A file message reached an extractor that was given no inbox. */
export class NoInboxError extends TableExtractorError {
  override name = 'NoInboxError';
  constructor() {
    super(TableExtractorErrorCode.noInbox, 'this extractor has no inbox to read files from');
  }
}

/**
 * A piece of a large CSV file found a line break inside a quoted field: the file's lines cannot be found from the
 * middle of it, so its pieces are given up and it is read whole.
 */
export class UnsplittableFileError extends TableExtractorError {
  override name = 'UnsplittableFileError';
  constructor(readonly reason: string) {
    super(TableExtractorErrorCode.unsplittableFile, reason);
  }
}

/**
 * A file message names a byte range of a file with other pieces beside it, or reaches an extractor with no piece
 * ledger: the detector writes neither, so the message is refused, not retried.
 */
export class BadPieceMessageError extends TableExtractorError {
  override name = 'BadPieceMessageError';
  readonly permanent = true;
  constructor(problem: string) {
    super(TableExtractorErrorCode.badPieceMessage, problem);
  }
}
