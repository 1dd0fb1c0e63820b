export {
  NoSourceClockError,
  TableExtractorError,
  TableExtractorErrorCode,
  UnknownSourceTableError,
} from './errors';
export { extractTable } from './extract-table';
export type { TableExtractorServiceOptions } from './service';
export { startTableExtractor } from './service';
export type { ExtractionOutcome, ExtractionResult, ExtractionStopped, ExtractorPorts } from './types';
