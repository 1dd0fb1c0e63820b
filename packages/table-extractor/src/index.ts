export { checkDeletes } from './check-deletes';
export {
  NoSourceClockError,
  TableExtractorError,
  TableExtractorErrorCode,
  UnknownSourceTableError,
} from './errors';
export { extractTable } from './extract-table';
export type { DeletionPorts, DeletionScan } from './find-deletions';
export { defaultKeysPerPass, findDeletions, tombstoneOf } from './find-deletions';
export { handleChange } from './handle-change';
export type { TableExtractorServiceOptions } from './service';
export { startTableExtractor } from './service';
export type {
  DeletesOutcome,
  ExtractionOutcome,
  ExtractionResult,
  ExtractionStopped,
  ExtractorPorts,
} from './types';
