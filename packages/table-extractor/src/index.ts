export { checkDeletes } from './check-deletes';
export {
  InboxFileChangedError,
  InboxFileProblemError,
  NoInboxError,
  NoSourceClockError,
  TableExtractorError,
  TableExtractorErrorCode,
  UnknownSourceTableError,
} from './errors';
export { extractTable } from './extract-table';
export type { DeletionPorts, DeletionScan } from './find-deletions';
export { defaultKeysPerPass, findDeletions, tombstoneOf } from './find-deletions';
export { handleChange } from './handle-change';
export type { Coerced, FileInstant, FileValue } from './inbox/coerce';
export { coerceValue } from './inbox/coerce';
export type { CsvRecord } from './inbox/csv-records';
export { readCsvRecords } from './inbox/csv-records';
export { extractFile } from './inbox/extract-file';
export { contentHash, fileBytes } from './inbox/file-bytes';
export { rowsOfFile } from './inbox/file-rows';
export type { TableExtractorServiceOptions } from './service';
export { startTableExtractor } from './service';
export type {
  DeletesOutcome,
  ExtractionOutcome,
  ExtractionResult,
  ExtractionStopped,
  ExtractorPorts,
  FileOutcome,
  InboxPorts,
  PieceOutcome,
} from './types';
export { FileResult } from './types';
