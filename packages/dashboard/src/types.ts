import type { CompiledSql } from './sql/placeholders';

/** The pages of the dashboard. */
export const PageName = {
  sales: 'sales',
  purchases: 'purchases',
  payments: 'payments',
  health: 'health',
} as const;
export type PageName = (typeof PageName)[keyof typeof PageName];

/** One value of a query's row as the JSON API gives it: amounts as exact decimal text, days as `YYYY-MM-DD`. */
export type QueryValue = string | number | boolean | null;
/** One row of a named query. */
export type QueryRow = Readonly<Record<string, QueryValue>>;

/**
 * A named, parameterised query: the only SQL the dashboard runs. Its text is built from the model at start, its
 * values come from the checked parameters alone.
 */
export interface NamedQuery {
  /** The name the API and the page show, `sales_top_designs`. */
  readonly name: string;
  readonly title: string;
  readonly sql: CompiledSql;
  /**
   * What a change to invalidates its result: the models it reads (a `model.loaded` of any of them), or
   * {@link healthKey} for the platform's state.
   */
  readonly dependsOn: readonly string[];
}

/** What a query reads when it reads the platform's own state (runs, loads, queues) rather than a star schema. */
export const healthKey = 'health';

/** A query's rows as run for a set of parameters. */
export interface QueryResult {
  readonly query: NamedQuery;
  readonly values: readonly (string | number | null)[];
  readonly rows: readonly QueryRow[];
}

/** One source table on the health page: how far the warehouse is behind it (`totes status`'s view of it). */
export interface TableHealth {
  readonly table: string;
  /** The last change the warehouse holds: its `last_updated` and key. */
  readonly consistentUpTo: { readonly lastUpdated: string; readonly id: number } | null;
  readonly pendingRows: number | null;
  readonly lagSeconds: number | null;
  readonly sourceError: string | null;
  readonly lastRun: { readonly runId: string; readonly startedAt: string; readonly rows: number } | null;
  readonly schemaDrift: { readonly problem: string; readonly since: string } | null;
}

/** One model on the health page: its last load and what caused it. */
export interface ModelHealth {
  readonly model: string;
  readonly lastLoadedAt: string | null;
  readonly lastRowsWritten: number | null;
  readonly loads: number;
  /** The source table whose change caused the last load, and the run it belonged to. */
  readonly lastCause?: { readonly table: string; readonly runId: string } | null;
}

/** One queue on the health page, with its dead-letter queue. */
export interface QueueHealth {
  readonly queue: string;
  readonly depth: number;
  readonly deadLetterQueue: string;
  readonly deadLetters: number;
}

/**
 * The platform's health as `totes status` reads it, with the alerts it raises. The dashboard does not compute
 * any of it: the CLI passes its own status functions in (see {@link HealthSource}).
 */
export interface HealthReport {
  readonly stage: string;
  readonly alerts: readonly string[];
  readonly tables: readonly TableHealth[] | null;
  readonly models: readonly ModelHealth[] | null;
  readonly queues: readonly QueueHealth[] | null;
  readonly queuesError?: string;
  readonly note?: string;
}

/** Where the health page's report comes from: `totes status`'s `readStatus` and `alertsOf`, given by the CLI. */
export interface HealthSource {
  read(): Promise<HealthReport>;
}
