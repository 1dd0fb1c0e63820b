/** Codes carried by every {@link WarehouseLoaderError}. */
export const WarehouseLoaderErrorCode = {
  unknownModel: 'UNKNOWN_MODEL',
  kindMismatch: 'KIND_MISMATCH',
  loadFailed: 'LOAD_FAILED',
  dimensionsNotReady: 'DIMENSIONS_NOT_READY',
  loadIncomplete: 'LOAD_INCOMPLETE',
  missingColumn: 'MISSING_COLUMN',
} as const;
export type WarehouseLoaderErrorCode =
  (typeof WarehouseLoaderErrorCode)[keyof typeof WarehouseLoaderErrorCode];

/** Base error of the warehouse loader. */
export class WarehouseLoaderError extends Error {
  override name = 'WarehouseLoaderError';
  constructor(
    readonly code: WarehouseLoaderErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A built message names a model the warehouse does not declare: refused before any SQL is built. */
export class UnknownModelError extends WarehouseLoaderError {
  override name = 'UnknownModelError';
  /** Retrying cannot help: the worker dead-letters the message at once. */
  readonly permanent = true;
  constructor(readonly model: string) {
    super(WarehouseLoaderErrorCode.unknownModel, `"${model}" is not a warehouse model`);
  }
}

/** A built message says a model is of the other kind than the declarations: refused before any SQL runs. */
export class KindMismatchError extends WarehouseLoaderError {
  override name = 'KindMismatchError';
  readonly permanent = true;
  constructor(model: string, declared: string, claimed: string) {
    super(
      WarehouseLoaderErrorCode.kindMismatch,
      `${model} is a ${declared}, but the message says ${claimed}`,
    );
  }
}

/**
 * A fact batch references dimension rows the warehouse does not hold yet. Nothing was written: the load is tried
 * again a little later, so a fact row is never visible before its dimension rows.
 */
export class DimensionsNotReadyError extends WarehouseLoaderError {
  override name = 'DimensionsNotReadyError';
  /** Asks the worker to put the message back with a delay instead of failing it. */
  readonly deferSeconds = 2;
  constructor(
    readonly fact: string,
    readonly missing: readonly { dimension: string; keys: readonly string[] }[],
  ) {
    super(
      WarehouseLoaderErrorCode.dimensionsNotReady,
      `${fact} waits for ${missing.map((entry) => `${entry.dimension} ${entry.keys.join(', ')}`).join('; ')}`,
    );
  }
}

/**
 * A load of a dataset in parts found, at its end, parts in the ledger neither it nor another delivery committed:
 * nothing is marked loaded, and the message is tried again (the parts already in are skipped).
 */
export class LoadIncompleteError extends WarehouseLoaderError {
  override name = 'LoadIncompleteError';
  constructor(
    readonly messageId: string,
    readonly parts: number,
  ) {
    super(
      WarehouseLoaderErrorCode.loadIncomplete,
      `message ${messageId}: not every one of its ${parts} parts is in the load ledger`,
    );
  }
}

/**
 * A column batch handed to the COPY writer lacks a column the load copies: the batches were read with other
 * columns than the model's. A bug, not a passing state, so it is permanent.
 */
export class MissingColumnError extends WarehouseLoaderError {
  override name = 'MissingColumnError';
  readonly permanent = true;
  constructor(readonly column: string) {
    super(WarehouseLoaderErrorCode.missingColumn, `The column batch holds no column ${column}`);
  }
}
