/** Codes carried by every {@link TableExtractorError}. */
export const TableExtractorErrorCode = { unknownTable: 'UNKNOWN_TABLE' } as const;
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
