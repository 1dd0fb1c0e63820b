export type { CreateLakeOptions, Lake, WriteDatasetOptions } from './dataset';
export { createLake, defaultRowsPerPart, lakeOn, partKey } from './dataset';
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
export type { LakeStore } from './lake-store';
export { assertLakeKey, assertLakePrefix } from './lake-store';
export type { LakeLocation } from './lake-url';
export { formatLakeUrl, parseLakeUrl } from './lake-url';
export { createLocalStore } from './local-store';
export { arrowTypeOf, decodeParquet, encodeParquet, parquetCompression } from './parquet-codec';
export type { S3StoreOptions } from './s3-store';
export { createS3Store } from './s3-store';
