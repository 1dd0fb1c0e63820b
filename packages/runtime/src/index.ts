export { withAdvisoryLock } from './advisory-lock';
export type { AwsClientOptions, AwsClients } from './aws-clients';
export { createAwsClients } from './aws-clients';
export type { PlatformConfig } from './config';
export { ConfigVariable, defaultDeleteCheckIntervalMs, loadConfig, postgresUrl } from './config';
export {
  InvalidConfigError,
  isPermanent,
  RejectedMessageError,
  RuntimeError,
  RuntimeErrorCode,
  SourceSchemaMismatchError,
  UnknownTableError,
} from './errors';
export type { Lake, LakeLocation, LakeStore } from './lake/index';
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
export { deletesKey, LakeZone, processedKey, rawKey, rawPrefix } from './lake-layout';
export type { LakeReader } from './lake-state';
export { readCurrentState } from './lake-state';
export type { LineageNamespaces } from './lineage';
export {
  lakeDataset,
  lineageFacet,
  lineageNamespaces,
  sourceDataset,
  totesFacetSchemaUrl,
  warehouseDataset,
} from './lineage';
export type { LogContext, Logger, LoggerOptions } from './logger';
export { createLogger, LogLevel } from './logger';
export type { Consumer, ConsumerOptions, MessageHandler } from './messaging/consumer';
export { startConsumer } from './messaging/consumer';
export type { ProvisionOptions, QueueEndpoint, TopologyEndpoints } from './messaging/provision';
export { provisionTopology } from './messaging/provision';
export type { Publisher } from './messaging/publisher';
export { createPublisher, messageAttributesOf } from './messaging/publisher';
export type { FailureAction, FailureReason, WorkerOptions } from './messaging/worker';
export {
  acceptMessage,
  deadLetter,
  defer,
  FailureAttribute,
  failureAction,
  maxDeferrals,
  startWorker,
} from './messaging/worker';
export type { PoolOptions } from './postgres';
export { canonicalTime, canonicalTimestamp, createPool, lakeTypes, shiftTimestamp } from './postgres';
export { redactSecrets } from './redact';
export type { SourceKeys } from './source/source-keys';
export { readSourceKeys } from './source/source-keys';
export type { PendingChanges, SchemaCheck } from './source/source-reader';
export { checkSourceSchema, findPendingChanges, readChangeWindow } from './source/source-reader';
export type { DeleteCheckStore } from './state/delete-check-store';
export { createDeleteCheckStore } from './state/delete-check-store';
export { runCompletedMessage } from './state/run-completed';
export type { CompletedRun, ExtractionEntry, RunLedger } from './state/run-ledger';
export { createRunLedger } from './state/run-ledger';
export { createSchemaDriftStore, type SchemaDrift, type SchemaDriftStore } from './state/schema-drift-store';
export type { TableState, WatermarkStore } from './state/watermark-store';
export { createWatermarkStore, migrateState, stateDdl } from './state/watermark-store';
