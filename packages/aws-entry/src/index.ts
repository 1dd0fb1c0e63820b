export type { LambdaConfig } from './config';
export { checkInboxOnly, granted, loadLambdaConfig } from './config';
export type { HeapLimits } from './contract';
export {
  DetectMode,
  detectorPeriodMinutes,
  heapFlags,
  LambdaVariable,
  lambdaHeap,
  topicVariable,
} from './contract';
export {
  AwsEntryError,
  AwsEntryErrorCode,
  InvalidSecretError,
  NoSourceDatabaseError,
  NotGrantedError,
  SecretUnavailableError,
  UnknownLakeZoneError,
  UnknownQueueError,
} from './errors';
export type { LakeZones, ZonedLake } from './lake';
export { zonedLake } from './lake';
export type { LambdaRuntime, LambdaRuntimeOptions } from './lambda-runtime';
export { createLambdaRuntime, isAuthenticationFailure } from './lambda-runtime';
export type { LambdaLogger, PlatformMetrics } from './observability';
export { createLambdaLogger, createPlatformMetrics, SourceLagMetric } from './observability';
export type { QueueResolver } from './queues';
export { createQueueResolver } from './queues';
export type { SecretReader } from './secrets';
export { databaseUrlOf, secretsManagerReader } from './secrets';
export type { RecordContext, SqsHandler, SqsHandlerOptions } from './sqs-batch';
export { createSqsHandler, toSqsMessage } from './sqs-batch';
