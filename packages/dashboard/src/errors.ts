/** Codes carried by every {@link DashboardError}. */
export const DashboardErrorCode = {
  badParameter: 'BAD_PARAMETER',
  unknownQuery: 'UNKNOWN_QUERY',
  unknownColumn: 'UNKNOWN_COLUMN',
  topicNotFound: 'TOPIC_NOT_FOUND',
  subscribeFailed: 'SUBSCRIBE_FAILED',
  badPort: 'BAD_PORT',
} as const;
export type DashboardErrorCode = (typeof DashboardErrorCode)[keyof typeof DashboardErrorCode];

/** Base error of the dashboard. */
export class DashboardError extends Error {
  override name = 'DashboardError';
  constructor(
    readonly code: DashboardErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A query parameter from the browser that is not allowed (a date that is no day, an unknown currency, …): a 400. */
export class BadParameterError extends DashboardError {
  override name = 'BadParameterError';
  constructor(
    /** One reason per bad parameter, each naming it. */
    readonly reasons: readonly string[],
  ) {
    super(DashboardErrorCode.badParameter, reasons.join('; '));
  }
}

/** A named query, a panel or a page that does not exist: a 404. */
export class UnknownQueryError extends DashboardError {
  override name = 'UnknownQueryError';
  constructor(readonly query: string) {
    super(DashboardErrorCode.unknownQuery, `no query or panel named "${query}"`);
  }
}
