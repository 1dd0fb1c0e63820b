export { startLocalPostgres } from './embedded-postgres';
export type { LocalPostgres, LocalPostgresOptions } from './embedded-postgres';
export { LocalStackError, LocalStackErrorCode } from './errors';
export { findFreePort } from './free-port';
export { startTestPostgres } from './testing';
export type { TestPostgres } from './testing';
