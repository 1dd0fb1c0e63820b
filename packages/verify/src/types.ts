import type { LakeValue } from '@totes/model';
import type pg from 'pg';
import type { SourceOfTruth } from './source-of-truth';

/** What kind of disagreement a {@link Difference} records, and which side lacks what. */
export const DifferenceKind = {
  /** The source has the row (or fact version), the warehouse does not: `warehouse` is null. */
  missing: 'missing',
  /** The warehouse has a dimension row the source does not, and has not marked it deleted: `source` is null. */
  extra: 'extra',
  /**
   * Fact rows whose source key no longer exists, and whose latest version is not marked deleted: `source` is null,
   * `warehouse` is their latest version.
   */
  orphan: 'orphan',
  /**
   * The warehouse marks the row deleted (`_deleted_at`, on a dimension row or a fact's latest version), yet the
   * source still has it: `source` is `'row'`, `warehouse` the deletion time.
   */
  markedDeleted: 'marked deleted',
  /** Both sides have the row; `column` differs. */
  value: 'value',
  /** The warehouse holds older versions of the key but not the source's current one. */
  stale: 'stale',
  /** The warehouse holds a version newer than the source's current one. */
  ahead: 'ahead',
  /** One version key is held by more than one fact row: `warehouse` is how many. */
  duplicate: 'duplicate',
  /** The source row cannot be derived as the model says (a malformed date): `source` is the reason. */
  underivable: 'underivable',
  /** A count or a sum over a group of rows differs. */
  aggregate: 'aggregate',
  /**
   * A fact holds a dimension key its dimension has no row for: `key` is the fact column and the key, `column` the
   * dimension's key column, `source` null, `warehouse` how many fact rows hold it.
   */
  danglingReference: 'missing dimension row',
} as const;
export type DifferenceKind = (typeof DifferenceKind)[keyof typeof DifferenceKind];

/** One disagreement between the source (derived as the model says) and the warehouse. */
export interface Difference {
  readonly kind: DifferenceKind;
  /** What identifies the row or group: `{ design_id: 2 }`, `{ currency_id: 1 }`; `{}` for a whole table. */
  readonly key: Readonly<Record<string, LakeValue>>;
  /** The differing column, `rows` or `sum(<measure>)` for aggregates; null for a whole row. */
  readonly column: string | null;
  /** The value the source says the warehouse should hold; for a whole row, `'row'` or its version. */
  readonly source: LakeValue;
  /** The value the warehouse holds; for a whole row, `'row'` or its version. */
  readonly warehouse: LakeValue;
}

/** The names of the checks, one or more per warehouse table. */
export const CheckName = {
  /** A table dimension equals its source rows joined as the model says. */
  dimensionRows: 'dimension rows',
  /** Every date a fact references is in the calendar, and each calendar row's parts are right. */
  calendarDays: 'calendar days',
  /** Every source row's current version is in the fact with equal columns; no fact key is gone from the source. */
  factVersions: 'fact versions',
  /** No version of a source row is held twice. */
  uniqueVersions: 'unique versions',
  /** Row counts and measure sums over the latest version of each key. */
  totals: 'totals',
  /** {@link CheckName.totals}, per currency. */
  totalsPerCurrency: 'totals per currency',
  /** {@link CheckName.totals}, per day the row was created. */
  totalsPerDay: 'totals per day',
  /** Every dimension key a fact holds names a row of its dimension (the foreign keys are not enforced). */
  dimensionReferences: 'dimension references',
  /**
   * A fact's current-rows table (kept by the loader, read by the dashboard) holds the fact's latest version of
   * every key, column for column, and nothing else. Here the "source" of a difference is the fact's latest version.
   */
  currentRows: 'current rows',
} as const;
export type CheckName = (typeof CheckName)[keyof typeof CheckName];

/** The outcome of one check on one warehouse table. */
export interface CheckResult {
  readonly name: CheckName;
  /** The warehouse table checked. */
  readonly table: string;
  readonly ok: boolean;
  /** One line: what was compared and what was found. */
  readonly summary: string;
  /** The first differences found, at most the sample limit. */
  readonly differences: readonly Difference[];
  /** How many differences were found in all. */
  readonly differenceCount: number;
}

/** The outcome of a whole verification. */
export interface VerifyReport {
  /** True when every check passed. */
  readonly ok: boolean;
  /** The checks in the order the model declares the tables. */
  readonly checks: readonly CheckResult[];
  /** What the warehouse was compared with: `the source database`, `the raw zone of file:///…`. */
  readonly source?: string;
}

/** What {@link verifyWarehouse} compares. */
export interface VerifyOptions {
  /**
   * What the warehouse should hold: totesys (a pool, only read inside one read-only snapshot), or any
   * {@link SourceOfTruth}, such as the lake's raw zone on a platform with no source database.
   */
  readonly source: pg.Pool | SourceOfTruth;
  /** The warehouse; only read, inside one read-only snapshot. */
  readonly warehouse: pg.Pool;
  /** The schema that holds the warehouse tables. */
  readonly warehouseSchema: string;
  /** How many differences each check keeps as examples; {@link defaultSampleLimit} by default. */
  readonly sampleLimit?: number;
}

/** How many differences each check keeps as examples unless told otherwise. */
export const defaultSampleLimit = 20;
