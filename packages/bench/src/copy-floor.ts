import { pipeline } from 'node:stream/promises';
import {
  qualifiedTable,
  type TotesysTable,
  totesysColumns,
  totesysTables,
  totesysTablesDdl,
} from '@totes/totesys';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/** The physical floor of one run: the 11 tables copied database to database by PostgreSQL alone. */
export interface FloorResult {
  /** Wall time of the copies, first COPY to last commit; the tables are created before the clock starts. */
  readonly ms: number;
  /** Creating the empty tables, not counted in {@link FloorResult.ms}. */
  readonly ddlMs: number;
  readonly rows: number;
  readonly rowsPerSecond: number;
  readonly perTable: readonly { table: TotesysTable; rows: number; ms: number }[];
}

/**
 * Copies the 11 totesys tables from `sourceUrl` into the empty database at `targetUrl`: for each table in turn,
 * `COPY (SELECT …) TO STDOUT` streamed straight into `COPY … FROM STDIN` (text format, back-pressured through
 * pg-copy-streams). The tables are created with totesys' own DDL without the foreign keys (`totesysTablesDdl`:
 * primary keys, unique constraints, serial defaults), like the warehouse tables the pipeline loads.
 */
export async function measureCopyFloor(sourceUrl: string, targetUrl: string): Promise<FloorResult> {
  const source = new pg.Client({ connectionString: sourceUrl, application_name: 'totes-bench-floor' });
  const target = new pg.Client({ connectionString: targetUrl, application_name: 'totes-bench-floor' });
  await Promise.all([source.connect(), target.connect()]);
  try {
    const ddlStarted = performance.now();
    await target.query(totesysTablesDdl);
    const ddlMs = performance.now() - ddlStarted;
    const started = performance.now();
    const perTable: { table: TotesysTable; rows: number; ms: number }[] = [];
    for (const table of totesysTables) {
      const tableStarted = performance.now();
      const columns = totesysColumns[table].join(', ');
      const reader = source.query(copyTo(`COPY (SELECT ${columns} FROM ${qualifiedTable(table)}) TO STDOUT`));
      const writer = target.query(copyFrom(`COPY ${qualifiedTable(table)} (${columns}) FROM STDIN`));
      await pipeline(reader, writer);
      perTable.push({ table, rows: writer.rowCount, ms: performance.now() - tableStarted });
    }
    const ms = performance.now() - started;
    const rows = perTable.reduce((sum, entry) => sum + entry.rows, 0);
    return { ms, ddlMs, rows, rowsPerSecond: rows / (ms / 1000), perTable };
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
}
