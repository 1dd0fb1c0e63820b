/** Codes carried by every {@link FactBuilderError}. */
export const FactBuilderErrorCode = { notADependency: 'NOT_A_DEPENDENCY', notAFact: 'NOT_A_FACT' } as const;
export type FactBuilderErrorCode = (typeof FactBuilderErrorCode)[keyof typeof FactBuilderErrorCode];

/** Base error of the fact builder. */
export class FactBuilderError extends Error {
  override name = 'FactBuilderError';
  /** Every error here is about the message or the declarations; retrying cannot help. */
  readonly permanent = true;
  constructor(
    readonly code: FactBuilderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An `extracted` message reached a fact that is not built from its table: a routing fault, refused. */
export class NotFactSourceError extends FactBuilderError {
  override name = 'NotFactSourceError';
  constructor(model: string, table: string) {
    super(FactBuilderErrorCode.notADependency, `${model} is not built from table "${table}"`);
  }
}
