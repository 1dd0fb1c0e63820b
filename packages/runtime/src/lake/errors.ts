/** Codes carried by every {@link LakeError}. */
export const LakeErrorCode = {
  invalidLakeUrl: 'INVALID_LAKE_URL',
  invalidLakeKey: 'INVALID_LAKE_KEY',
  lakeObjectNotFound: 'LAKE_OBJECT_NOT_FOUND',
  lakeWriteFailed: 'LAKE_WRITE_FAILED',
  lakeReadFailed: 'LAKE_READ_FAILED',
  lakeSchemaMismatch: 'LAKE_SCHEMA_MISMATCH',
  corruptLakeObject: 'CORRUPT_LAKE_OBJECT',
  invalidLakeValue: 'INVALID_LAKE_VALUE',
  lakeIdentityMismatch: 'LAKE_IDENTITY_MISMATCH',
  unreadableLakeIdentity: 'UNREADABLE_LAKE_IDENTITY',
} as const;
export type LakeErrorCode = (typeof LakeErrorCode)[keyof typeof LakeErrorCode];

/** Base error of the lake: its URL, its object stores and its Parquet files. */
export class LakeError extends Error {
  override name = 'LakeError';
  constructor(
    readonly code: LakeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A lake URL that is none of the accepted forms. */
export class InvalidLakeUrlError extends LakeError {
  override name = 'InvalidLakeUrlError';
  constructor(
    /** The URL as given, with any user info masked. */
    readonly url: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      LakeErrorCode.invalidLakeUrl,
      `Invalid lake URL ${JSON.stringify(url)}: ${reason}. ` +
        'Use s3://bucket[/prefix], file:///absolute/path, or a plain folder path.',
      options,
    );
  }
}

/** A key that could escape the lake root or that no store can hold (empty, `..`, leading `/`). */
export class InvalidLakeKeyError extends LakeError {
  override name = 'InvalidLakeKeyError';
  constructor(
    readonly key: string,
    readonly lake: string,
    reason: string,
  ) {
    super(LakeErrorCode.invalidLakeKey, `Invalid key ${JSON.stringify(key)} in lake ${lake}: ${reason}`);
  }
}

/** No object at this key. */
export class LakeObjectNotFoundError extends LakeError {
  override name = 'LakeObjectNotFoundError';
  constructor(
    readonly key: string,
    readonly lake: string,
    options?: ErrorOptions,
  ) {
    super(LakeErrorCode.lakeObjectNotFound, `No object ${key} in lake ${lake}`, options);
  }
}

/** The lake refused a write or a delete (permissions, missing bucket, read-only disk…); `cause` says why. */
export class LakeWriteFailedError extends LakeError {
  override name = 'LakeWriteFailedError';
  constructor(
    readonly key: string,
    readonly lake: string,
    options: ErrorOptions & { action?: string },
  ) {
    super(
      LakeErrorCode.lakeWriteFailed,
      `Could not ${options.action ?? 'write'} ${key} in lake ${lake}: ${describeCause(options.cause)}`,
      options,
    );
  }
}

/** The lake failed a read for a reason other than a missing object; `cause` says why. */
export class LakeReadFailedError extends LakeError {
  override name = 'LakeReadFailedError';
  constructor(
    readonly key: string,
    readonly lake: string,
    options: ErrorOptions,
  ) {
    super(
      LakeErrorCode.lakeReadFailed,
      `Could not read ${key || '(lake root)'} in lake ${lake}: ${describeCause(options.cause)}`,
      options,
    );
  }
}

/** A Parquet part lacks an expected column, or holds it with another type. */
export class LakeSchemaMismatchError extends LakeError {
  override name = 'LakeSchemaMismatchError';
  constructor(
    readonly part: string,
    readonly column: string,
    readonly expected: string,
    /** The type found in the file, or `'missing'`. */
    readonly found: string,
  ) {
    super(
      LakeErrorCode.lakeSchemaMismatch,
      found === 'missing'
        ? `Parquet part ${part} has no column ${column} (expected ${expected})`
        : `Parquet part ${part}: column ${column} is ${found}, expected ${expected}`,
    );
  }
}

/**
 * Bytes that are not a readable Parquet file: truncated, damaged, or something else entirely. Retrying the read
 * cannot help, so it is permanent: the message that met it is dead-lettered at once, never dropped, and a
 * re-extraction of the window that wrote the part repairs it (docs/reliability.md).
 */
export class CorruptLakeObjectError extends LakeError {
  override name = 'CorruptLakeObjectError';
  readonly permanent = true;
  constructor(
    readonly part: string,
    options: ErrorOptions,
  ) {
    super(
      LakeErrorCode.corruptLakeObject,
      `Parquet part ${part} is not a readable Parquet file: ${describeCause(options.cause)}`,
      options,
    );
  }
}

/** A value that does not fit its column: wrong JS type, bad format, out of range, or null where not allowed. */
export class InvalidLakeValueError extends LakeError {
  override name = 'InvalidLakeValueError';
  constructor(
    readonly part: string,
    readonly column: string,
    /** The row's index within the part. */
    readonly row: number,
    reason: string,
  ) {
    super(LakeErrorCode.invalidLakeValue, `Parquet part ${part}, row ${row}, column ${column}: ${reason}`);
  }
}

/**
 * The lake belongs to another platform instance than the warehouse's state: its rows came from another source, or
 * another warehouse's runs, and reading them would mix them in. Permanent: the platform refuses to start until an
 * operator points `TOTES_LAKE_URL` at a new lake or adopts this one (`totes lake adopt --yes`).
 */
export class LakeIdentityMismatchError extends LakeError {
  override name = 'LakeIdentityMismatchError';
  readonly permanent = true;
  constructor(
    readonly lake: string,
    /** The instance id the lake holds; null for a lake with raw data but no id. */
    readonly lakeInstanceId: string | null,
    /** The instance id the state schema holds; null for a state that has none yet (a new warehouse). */
    readonly stateInstanceId: string | null,
    /** The state schema, for the message. */
    readonly stateSchema: string,
  ) {
    const lakeSays =
      lakeInstanceId === null
        ? 'holds raw data but no platform instance id'
        : `belongs to platform instance ${lakeInstanceId}`;
    const stateSays =
      stateInstanceId === null
        ? `the warehouse's state (schema ${stateSchema}) has no instance yet: it is new`
        : `the warehouse's state (schema ${stateSchema}) belongs to platform instance ${stateInstanceId}`;
    super(
      LakeErrorCode.lakeIdentityMismatch,
      `Lake ${lake} ${lakeSays}, but ${stateSays}. Refusing to start: its rows would be mixed into this ` +
        'warehouse. Either set TOTES_LAKE_URL to a new, empty lake (the platform rebuilds it from the source), or, ' +
        "only if this lake truly holds this source's rows, run `totes lake adopt --yes` to make the lake and the " +
        'state share one id (docs/operations.md).',
    );
  }
}

/** The lake's identity object is there but is not what the platform writes. */
export class UnreadableLakeIdentityError extends LakeError {
  override name = 'UnreadableLakeIdentityError';
  readonly permanent = true;
  constructor(
    readonly key: string,
    readonly lake: string,
    reason: string,
  ) {
    super(
      LakeErrorCode.unreadableLakeIdentity,
      `The platform instance id ${key} in lake ${lake} cannot be read: ${reason}. Remove it only if the lake ` +
        'belongs to this warehouse, then run `totes lake adopt --yes`.',
    );
  }
}

// AWS and Node errors carry a name/code and a message, never the credentials used.
function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const label = typeof code === 'string' ? code : cause.name;
    return cause.message.includes(label) ? cause.message : `${label}: ${cause.message}`;
  }
  return String(cause);
}
