export { createAwsClients } from './aws-clients';
export type { AwsClientOptions, AwsClients } from './aws-clients';
export { ConfigVariable, loadConfig, postgresUrl } from './config';
export type { PlatformConfig } from './config';
export {
  InvalidConfigError,
  isPermanent,
  RejectedMessageError,
  RuntimeError,
  RuntimeErrorCode,
  SourceSchemaMismatchError,
  UnknownTableError,
} from './errors';
export { LakeZone, processedKey, rawKey, rawPrefix } from './lake-layout';
export { readCurrentState } from './lake-state';
export type { LakeReader } from './lake-state';
export { createLogger, LogLevel } from './logger';
export type { LogContext, Logger, LoggerOptions } from './logger';
export { startConsumer } from './messaging/consumer';
export type { Consumer, ConsumerOptions, MessageHandler } from './messaging/consumer';
export { provisionTopology } from './messaging/provision';
export type { ProvisionOptions, QueueEndpoint, TopologyEndpoints } from './messaging/provision';
export { createPublisher, messageAttributesOf } from './messaging/publisher';
export type { Publisher } from './messaging/publisher';
export { acceptMessage, deadLetter, FailureAttribute, startWorker } from './messaging/worker';
export type { WorkerOptions } from './messaging/worker';
export { canonicalTime, canonicalTimestamp, createPool, lakeTypes } from './postgres';
export type { PoolOptions } from './postgres';
export { redactSecrets } from './redact';
export { checkSourceSchema, findPendingChanges, readChangeWindow } from './source/source-reader';
export type { PendingChanges, SchemaCheck } from './source/source-reader';
export { createWatermarkStore, migrateState, stateDdl } from './state/watermark-store';
export type { TableState, WatermarkStore } from './state/watermark-store';
export {
  CorruptLakeObjectError,
  createLake,
  InvalidLakeUrlError,
  LakeError,
  LakeErrorCode,
  LakeObjectNotFoundError,
  LakeSchemaMismatchError,
  LakeWriteFailedError,
  parseLakeUrl,
} from './lake/index';
export type { Lake, LakeLocation, LakeStore } from './lake/index';
