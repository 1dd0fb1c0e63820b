/** Codes carried by every {@link RuntimeError}. */
export const RuntimeErrorCode = {
  invalidConfig: 'INVALID_CONFIG',
  sourceUnreachable: 'SOURCE_UNREACHABLE',
  sourceSchemaMismatch: 'SOURCE_SCHEMA_MISMATCH',
  sourceValueUnreadable: 'SOURCE_VALUE_UNREADABLE',
  unknownTable: 'UNKNOWN_TABLE',
  topologyMissing: 'TOPOLOGY_MISSING',
  publishFailed: 'PUBLISH_FAILED',
  messageRejected: 'MESSAGE_REJECTED',
  inboxFileVersion: 'INBOX_FILE_VERSION',
} as const;
export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/** Base error of the shared runtime. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A setting in the environment is missing or malformed. */
export class InvalidConfigError extends RuntimeError {
  override name = 'InvalidConfigError';
  constructor(message: string) {
    super(RuntimeErrorCode.invalidConfig, message);
  }
}

/** A source table no longer has the columns the catalog expects. */
export class SourceSchemaMismatchError extends RuntimeError {
  override name = 'SourceSchemaMismatchError';
  constructor(
    readonly table: string,
    message: string,
  ) {
    super(RuntimeErrorCode.sourceSchemaMismatch, message);
  }
}

/**
 * A window read from the source that the extractor cannot hold in the lake: a value its column's lake type cannot
 * keep (an infinite timestamp or date, a NaN, a decimal wider than the column's shape), or a COPY stream not in the
 * form its column types send.
 */
export class UnreadableSourceValueError extends RuntimeError {
  override name = 'UnreadableSourceValueError';
  constructor(
    readonly table: string,
    /** The column, when the problem is one value's. */
    readonly column: string | null,
    /** The row's index within the window read, from 0. */
    readonly row: number,
    reason: string,
  ) {
    const where = column === null ? '' : `, column ${column}`;
    super(
      RuntimeErrorCode.sourceValueUnreadable,
      `source table "${table}", row ${row} of the window${where}: ${reason}`,
    );
  }
}

/** A table name that the catalog does not know: refused before any SQL is built from it. */
export class UnknownTableError extends RuntimeError {
  override name = 'UnknownTableError';
  constructor(readonly table: string) {
    super(RuntimeErrorCode.unknownTable, `"${table}" is not a totesys table the platform knows`);
  }
}

/**
 * A message that can never succeed, whatever the retries: malformed, of an unknown version, naming an unknown
 * table or model. The worker moves it to the dead-letter queue at once, with this error as its reason.
 */
export class RejectedMessageError extends RuntimeError {
  override name = 'RejectedMessageError';
  readonly permanent = true;
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(RuntimeErrorCode.messageRejected, message);
  }
}

/** Whether retrying cannot help: the error says so itself. */
export function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** An inbox file is no longer the version a reader asked for: it was replaced while its pieces were being read. */
export class InboxFileVersionError extends RuntimeError {
  override name = 'InboxFileVersionError';
  constructor(readonly key: string) {
    super(
      RuntimeErrorCode.inboxFileVersion,
      `${key} changed while it was being read in pieces: its new version is read on its own`,
    );
  }
}
