import type { Row, SourceTable } from '@totes/model';
import type pg from 'pg';
import { readSourceTable, streamSourceTable } from './queries';
import { withSnapshot } from './snapshot';

/** The current rows of the source tables, as one consistent view: what the checks compare the warehouse with. */
export interface SourceRows {
  /** The current rows of a table, its catalog columns, in primary key order, batch by batch. */
  stream(table: SourceTable): AsyncIterable<Row[]>;
  /** Every current row of a table at once: only for the small tables that dimensions join. */
  read(table: SourceTable): Promise<Row[]>;
}

/**
 * Where the rows the warehouse should hold come from: the source database, or the lake's raw zone on a platform
 * with no source database. The checks are written once, against {@link SourceRows}.
 */
export interface SourceOfTruth {
  /** What the report calls this side: `the source database`, `the raw zone of file:///…`. */
  readonly name: string;
  /** Opens one consistent view of the rows, runs `work` on it and closes it, whatever `work` does. */
  openRows<T>(work: (rows: SourceRows) => Promise<T>): Promise<T>;
}

/** The source database as the source of truth: every table read in one read-only snapshot. */
export function databaseSource(pool: pg.Pool): SourceOfTruth {
  return {
    name: 'the source database',
    openRows: (work) =>
      withSnapshot(pool, (client) =>
        work({
          stream: (table) => streamSourceTable(client, table),
          read: (table) => readSourceTable(client, table),
        }),
      ),
  };
}

/** Whether a verification's source is a {@link SourceOfTruth} rather than a database pool. */
export function isSourceOfTruth(source: pg.Pool | SourceOfTruth): source is SourceOfTruth {
  return typeof (source as Partial<SourceOfTruth>).openRows === 'function';
}
