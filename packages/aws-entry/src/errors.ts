/** Codes carried by every {@link AwsEntryError}. */
export const AwsEntryErrorCode = {
  invalidSecret: 'INVALID_SECRET',
  secretUnavailable: 'SECRET_UNAVAILABLE',
  unknownQueue: 'UNKNOWN_QUEUE',
  notGranted: 'NOT_GRANTED',
  noSourceDatabase: 'NO_SOURCE_DATABASE',
  unknownLakeZone: 'UNKNOWN_LAKE_ZONE',
} as const;
export type AwsEntryErrorCode = (typeof AwsEntryErrorCode)[keyof typeof AwsEntryErrorCode];

/** Base error of the Lambda bootstrap. */
export class AwsEntryError extends Error {
  override name = 'AwsEntryError';
  constructor(
    readonly code: AwsEntryErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A secret holds no usable database credentials. The message names the secret, never its value. */
export class InvalidSecretError extends AwsEntryError {
  override name = 'InvalidSecretError';
  constructor(secretId: string, reason: string) {
    super(AwsEntryErrorCode.invalidSecret, `secret ${secretId} ${reason}`);
  }
}

/** A secret could not be read (missing, no value yet, or access denied). */
export class SecretUnavailableError extends AwsEntryError {
  override name = 'SecretUnavailableError';
  constructor(secretId: string, options?: ErrorOptions) {
    super(AwsEntryErrorCode.secretUnavailable, `secret ${secretId} could not be read`, options);
  }
}

/** A record came from a queue that the platform's topology does not declare for this stage. */
export class UnknownQueueError extends AwsEntryError {
  override name = 'UnknownQueueError';
  constructor(readonly queueArn: string) {
    super(AwsEntryErrorCode.unknownQueue, `${queueArn} is not a queue of the platform's topology`);
  }
}

/**
 * The function was not given something it tried to use (a topic, a secret, a lake zone): the infrastructure grants
 * each function only what it touches, so this is a wiring mistake, said plainly instead of an AWS access error.
 */
export class NotGrantedError extends AwsEntryError {
  override name = 'NotGrantedError';
  constructor(what: string, variable: string) {
    super(AwsEntryErrorCode.notGranted, `this function was not given ${what}: ${variable} is not set`);
  }
}

/**
 * Something asked for the source database on an inbox-only stage (`TOTES_SOURCE_LOCATION=none`): a message about a
 * table's database window, say, sent to a stage that has no database to read it from.
 */
export class NoSourceDatabaseError extends AwsEntryError {
  override name = 'NoSourceDatabaseError';
  /** No retry finds a database the stage does not have: the message is dead-lettered at once, with this reason. */
  readonly permanent = true;
  constructor() {
    super(
      AwsEntryErrorCode.noSourceDatabase,
      'this stage has no source database (TOTES_SOURCE_LOCATION=none): it reads its inbox alone',
    );
  }
}

/** A lake key outside the two zones. */
export class UnknownLakeZoneError extends AwsEntryError {
  override name = 'UnknownLakeZoneError';
  constructor(readonly key: string) {
    super(
      AwsEntryErrorCode.unknownLakeZone,
      `lake key "${key}" is in neither the raw nor the processed zone`,
    );
  }
}
