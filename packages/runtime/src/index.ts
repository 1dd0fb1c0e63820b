export type { LockOutcome } from './advisory-lock';
export { tryAdvisoryLock, withAdvisoryLock } from './advisory-lock';
export type { AwsClientOptions, AwsClients } from './aws-clients';
export { awsRetryConfig, createAwsClients } from './aws-clients';
export type { InboxBatchBudget, PlatformConfig } from './config';
export {
  ConfigVariable,
  defaultDeleteCheckIntervalMs,
  defaultInboxBatch,
  defaultInboxUrl,
  defaultLoadParallelism,
  hasSourceDatabase,
  inboxPolicies,
  loadConfig,
  noSourceUrl,
  postgresUrl,
} from './config';
export {
  InboxFileVersionError,
  InvalidConfigError,
  isPermanent,
  RejectedMessageError,
  RuntimeError,
  RuntimeErrorCode,
  SourceSchemaMismatchError,
  UnknownTableError,
  UnreadableSourceValueError,
} from './errors';
export type { Gate } from './gate';
export { createGate } from './gate';
export type { InboxStore, ReadOptions } from './inbox/inbox-store';
export { createInboxStore } from './inbox/inbox-store';
export type { KillPointWorld } from './kill-point';
export { createKillPoint, KillStep, killPoint, killPointMessage, killPointVariable } from './kill-point';
export type { ColumnBatch, Lake, LakeLocation, LakeStore, LakeVector } from './lake/index';
export {
  CorruptLakeObjectError,
  columnBatchOf,
  createLake,
  decodeParquet,
  decodeParquetColumns,
  deriveVector,
  encodeColumnBatch,
  encodeParquet,
  formatDate,
  formatTime,
  formatTimestamp,
  InvalidLakeUrlError,
  int32Reader,
  isValidAt,
  LakeError,
  LakeErrorCode,
  LakeIdentityMismatchError,
  LakeObjectNotFoundError,
  LakeSchemaMismatchError,
  LakeWriteFailedError,
  parseDate,
  parseLakeUrl,
  parseTimestamp,
  readDecimal,
  rowsOf,
  timestampReader,
  UnreadableLakeIdentityError,
} from './lake/index';
export type { FoundIdentity, LakeIdentity, LakeIdentityPorts } from './lake-identity';
export {
  adoptLake,
  decideLakeIdentity,
  ensureLakeIdentity,
  IdentityAction,
  lakeIdentityKey,
  readLakeIdentity,
} from './lake-identity';
export { deletesKey, inboxRawKey, LakeZone, processedKey, rawKey, rawPrefix } from './lake-layout';
export type { LakeReader } from './lake-state';
export { readCurrentState } from './lake-state';
export type { LineageNamespaces } from './lineage';
export {
  lakeDataset,
  lineageFacet,
  lineageNamespaces,
  runLineageNamespaces,
  sourceDataset,
  totesFacet,
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
export { copyBinaryHeader, copyBinaryTrailer, pgEpochDay, pgEpochMs } from './pg-binary/copy-format';
export {
  maxDecimal128Bytes,
  maxTextNumericBytes,
  writeNumericDecimal128,
  writeNumericText,
} from './pg-binary/numeric-binary';
export type { PoolOptions } from './postgres';
export { canonicalTime, canonicalTimestamp, createPool, lakeTypes, shiftTimestamp } from './postgres';
export { redactSecrets } from './redact';
export type { SourceKeys } from './source/source-keys';
export { readSourceKeys } from './source/source-keys';
export type {
  HeldRows,
  HorizonRequest,
  PendingChanges,
  SchemaCheck,
  SourceHorizon,
} from './source/source-reader';
export { checkSourceSchema, findPendingChanges, readChangeWindow } from './source/source-reader';
export type { DeleteCheckStore } from './state/delete-check-store';
export { createDeleteCheckStore } from './state/delete-check-store';
export type {
  FileRowCounts,
  FoundFile,
  InboxEntry,
  InboxLedger,
  RejectedRow,
} from './state/inbox-ledger';
export { createInboxLedger, InboxFileState } from './state/inbox-ledger';
export type { InboxPieceLedger, PieceRecord, ReadPiece } from './state/inbox-pieces';
export { createInboxPieceLedger } from './state/inbox-pieces';
export type { PlatformInstanceStore, RecordedInstance } from './state/platform-instance';
export { createPlatformInstanceStore } from './state/platform-instance';
export { runCompletedMessage } from './state/run-completed';
export type { CompletedRun, ExtractionEntry, RunLedger } from './state/run-ledger';
export { createRunLedger, pendingRunAges } from './state/run-ledger';
export { createSchemaDriftStore, type SchemaDrift, type SchemaDriftStore } from './state/schema-drift-store';
export type { TableState, WatermarkStore } from './state/watermark-store';
export { createWatermarkStore, migrateState, noHeldRows, stateDdl } from './state/watermark-store';
