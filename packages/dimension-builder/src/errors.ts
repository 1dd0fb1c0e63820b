/** Codes carried by every {@link DimensionBuilderError}. */
export const DimensionBuilderErrorCode = {
  notADependency: 'NOT_A_DEPENDENCY',
  notADimension: 'NOT_A_DIMENSION',
} as const;
export type DimensionBuilderErrorCode =
  (typeof DimensionBuilderErrorCode)[keyof typeof DimensionBuilderErrorCode];

/** Base error of the dimension builder. */
export class DimensionBuilderError extends Error {
  override name = 'DimensionBuilderError';
  /** Every error here is about the message or the declarations; retrying cannot help. */
  readonly permanent = true;
  constructor(
    readonly code: DimensionBuilderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An `extracted` message reached a model that does not depend on its table: a routing fault, refused. */
export class NotADependencyError extends DimensionBuilderError {
  override name = 'NotADependencyError';
  constructor(model: string, table: string) {
    super(DimensionBuilderErrorCode.notADependency, `${model} does not depend on table "${table}"`);
  }
}
