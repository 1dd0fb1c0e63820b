export type { LocalPostgres, LocalPostgresOptions } from './embedded-postgres';
export { defaultReachableRoots, startLocalPostgres } from './embedded-postgres';
export {
  LocalStackError,
  LocalStackErrorCode,
  PostgresDataVersionError,
  PostgresUnreachableError,
} from './errors';
export type { LocalAws } from './fauxqs';
export { startLocalAws } from './fauxqs';
export { findFreePort } from './free-port';
export type { LocalStack, LocalStackOptions, StackUrls } from './local-stack';
export { startLocalStack } from './local-stack';
export type { TestPostgres } from './testing';
export { makeTempFolder, startTestPostgres } from './testing';
