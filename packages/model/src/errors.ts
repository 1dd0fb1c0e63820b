/** Codes carried by every {@link ModelError}. */
export const ModelErrorCode = {
  unknownTable: 'UNKNOWN_TABLE',
  unknownModel: 'UNKNOWN_MODEL',
  invalidValue: 'INVALID_VALUE',
} as const;
export type ModelErrorCode = (typeof ModelErrorCode)[keyof typeof ModelErrorCode];

/** Base error of the model: a name or a value that the declarations do not allow. */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
