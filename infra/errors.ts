/** Codes carried by every {@link InfraError}. */
export const InfraErrorCode = {
  invalidStage: 'INVALID_STAGE',
  missingSetting: 'MISSING_SETTING',
  nameTooLong: 'NAME_TOO_LONG',
  noSource: 'NO_SOURCE',
  unknownQueue: 'UNKNOWN_QUEUE',
} as const;
export type InfraErrorCode = (typeof InfraErrorCode)[keyof typeof InfraErrorCode];

/** Base error of the infrastructure code: thrown while `sst deploy` evaluates `run()`, before anything changes. */
export class InfraError extends Error {
  override name = 'InfraError';
  constructor(
    readonly code: InfraErrorCode,
    message: string,
  ) {
    super(message);
  }
}
