export type { ColumnBatch, LakeVector } from './column-batch';
export { int32Reader, isValidAt, rowsOf, timestampReader } from './column-batch';
export type { CreateLakeOptions, Lake, WriteDatasetOptions } from './dataset';
export { createLake, defaultRowsPerPart, lakeOn, partKey } from './dataset';
export { deriveVector } from './derive-vector';
export {
  CorruptLakeObjectError,
  InvalidLakeKeyError,
  InvalidLakeUrlError,
  InvalidLakeValueError,
  LakeError,
  LakeErrorCode,
  LakeIdentityMismatchError,
  LakeObjectNotFoundError,
  LakeReadFailedError,
  LakeSchemaMismatchError,
  LakeWriteFailedError,
  UnreadableLakeIdentityError,
} from './errors';
export { readDecimal } from './lake-decimals';
export type { LakeStore } from './lake-store';
export { assertLakeKey, assertLakePrefix } from './lake-store';
export type { LakeLocation } from './lake-url';
export { formatLakeUrl, parseLakeUrl } from './lake-url';
export { formatDate, formatTime, formatTimestamp, parseDate, parseTimestamp } from './lake-values';
export { createLocalStore } from './local-store';
export {
  columnBatchOf,
  decodeParquet,
  encodeParquet,
  parquetCompression,
  parquetDictionary,
} from './parquet-codec';
export { decodeParquetColumns } from './parquet-columns';
export { encodeColumnBatch } from './parquet-columns-encode';
export { arrowTypeOf } from './parquet-types';
export type { S3StoreOptions } from './s3-store';
export { createS3Store } from './s3-store';
