import { ModelError, ModelErrorCode } from './errors';
import { factVersionKey } from './graph';
import type { FactModel } from './types';

/**
 * Where a fact's current rows are kept, and by what: the table `<fact>_current` holds, for each source row the fact
 * has versions of, its latest version only (a deletion kept as its tombstone, `_deleted_at` set), keyed by the source
 * row's key. The loader keeps it in each load's transaction; the dashboard reads it instead of the whole fact.
 */
export interface CurrentRowsTable {
  /** The table's name, `fact_sales_order_current`. */
  readonly name: string;
  /** The source row's key: the table's primary key. */
  readonly key: string;
  /** The columns that order a row's versions (the last update's day, then time): the latest one is kept. */
  readonly version: readonly string[];
}

/** The current-rows table of a fact, derived from its version key (the source key, then the version columns). */
export function currentRowsTableOf(fact: FactModel): CurrentRowsTable {
  const [key, ...version] = factVersionKey(fact);
  if (!key || version.length === 0)
    throw new ModelError(
      ModelErrorCode.unknownTable,
      `fact ${fact.name} has no version key to keep current rows by`,
    );
  return { name: `${fact.name}_current`, key, version };
}
