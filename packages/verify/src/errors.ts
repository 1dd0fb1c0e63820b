/** Codes carried by every {@link VerifyError}. */
export const VerifyErrorCode = {
  /** An option or environment variable of the verification is malformed. */
  invalidOption: 'INVALID_OPTION',
  /** The warehouse schema lacks tables that the model declares: it was never migrated or loaded. */
  warehouseNotMigrated: 'WAREHOUSE_NOT_MIGRATED',
  /** A row stream did not arrive in key order, so it cannot be merged with the other side. */
  unorderedRows: 'UNORDERED_ROWS',
  /** A row holds no usable key (null, or not a number or text). */
  invalidKey: 'INVALID_KEY',
  /** A measure holds something that is not an exact number, so it cannot be summed. */
  invalidValue: 'INVALID_VALUE',
  /** The model declares something the verification cannot reconcile (a key that is not a copied primary key). */
  unsupportedModel: 'UNSUPPORTED_MODEL',
  /** The lake's raw zone holds no part: nothing was extracted, so there is nothing to verify against. */
  rawZoneEmpty: 'RAW_ZONE_EMPTY',
  /** The lake's raw zone could not be listed or a part of it read (unreachable, corrupt, no permission). */
  rawZoneUnreadable: 'RAW_ZONE_UNREADABLE',
  /** Neither a source database nor a lake to verify against. */
  noSource: 'NO_SOURCE',
} as const;
export type VerifyErrorCode = (typeof VerifyErrorCode)[keyof typeof VerifyErrorCode];

/**
 * The one error of the verification: something stopped it from comparing at all. Differences between the source
 * and the warehouse are never errors; they are reported in the {@link VerifyReport}.
 */
export class VerifyError extends Error {
  override name = 'VerifyError';
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
