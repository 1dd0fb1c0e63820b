/** Codes carried by every {@link TotesysError}, stable for callers that branch on them. */
export const TotesysErrorCode = {
  invalidOptions: 'INVALID_OPTIONS',
  alreadySeeded: 'ALREADY_SEEDED',
  rowNotFound: 'ROW_NOT_FOUND',
  nothingToMutate: 'NOTHING_TO_MUTATE',
  invalidCliArguments: 'INVALID_CLI_ARGUMENTS',
} as const;
/** One of the {@link TotesysErrorCode} values. */
export type TotesysErrorCode = (typeof TotesysErrorCode)[keyof typeof TotesysErrorCode];

/** Base error of the totesys simulator: generator, seeder, mutator and CLI. */
export class TotesysError extends Error {
  override name = 'TotesysError';
  constructor(
    readonly code: TotesysErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An option (seed, scale, count, kind…) is out of range or of the wrong type. */
export class TotesysOptionsError extends TotesysError {
  override name = 'TotesysOptionsError';
  constructor(message: string, options?: ErrorOptions) {
    super(TotesysErrorCode.invalidOptions, message, options);
  }
}

/** Seeding was asked of a database whose totesys tables already hold rows. */
export class TotesysAlreadySeededError extends TotesysError {
  override name = 'TotesysAlreadySeededError';
  constructor(
    /** The tables found holding rows. */
    readonly tablesWithRows: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      TotesysErrorCode.alreadySeeded,
      `The totesys database is already seeded (rows found in ${tablesWithRows.join(', ')}); ` +
        'seed an empty database instead.',
      options,
    );
  }
}

/** A mutation targeted a row id that does not exist. */
export class TotesysRowNotFoundError extends TotesysError {
  override name = 'TotesysRowNotFoundError';
  constructor(
    readonly table: string,
    readonly id: number,
    options?: ErrorOptions,
  ) {
    super(TotesysErrorCode.rowNotFound, `No row ${table} ${id} in the totesys database.`, options);
  }
}

/** A mutation found no row it could apply to (e.g. every payment is already paid). */
export class TotesysNothingToMutateError extends TotesysError {
  override name = 'TotesysNothingToMutateError';
  constructor(message: string, options?: ErrorOptions) {
    super(TotesysErrorCode.nothingToMutate, message, options);
  }
}

/** The command line could not be understood. */
export class TotesysCliArgumentsError extends TotesysError {
  override name = 'TotesysCliArgumentsError';
  constructor(message: string, options?: ErrorOptions) {
    super(TotesysErrorCode.invalidCliArguments, message, options);
  }
}
