import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { qualifiedTable, type TotesysTable, totesysColumns, totesysTablesDdl } from '@totes/totesys';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ExportedFile } from './csv-export';

/** PostgreSQL's own load of the dropped CSV files: the floor the inbox is compared with. */
export interface InboxFloorResult {
  /** First COPY to last commit; the tables are created before the clock starts. */
  readonly ms: number;
  readonly rows: number;
  /** Bytes of the CSV files. */
  readonly bytes: number;
  readonly rowsPerSecond: number;
  readonly mbPerSecond: number;
  readonly perTable: readonly { table: TotesysTable; rows: number; ms: number }[];
}

/**
 * Loads the CSV files into plain tables of the empty database at `targetUrl` with `COPY … FROM STDIN (FORMAT
 * csv, HEADER)`, one file after the other, each file streamed from disk (as `psql \copy` does). The tables are
 * totesys' own (`totesysTablesDdl`: primary keys, no foreign keys), as in the full load's floor.
 */
export async function measureInboxFloor(
  targetUrl: string,
  files: readonly ExportedFile[],
): Promise<InboxFloorResult> {
  const target = new pg.Client({ connectionString: targetUrl, application_name: 'totes-bench-floor' });
  await target.connect();
  try {
    await target.query(totesysTablesDdl);
    const started = performance.now();
    const perTable: { table: TotesysTable; rows: number; ms: number }[] = [];
    for (const file of files) {
      const tableStarted = performance.now();
      const columns = totesysColumns[file.table].join(', ');
      const writer = target.query(
        copyFrom(`COPY ${qualifiedTable(file.table)} (${columns}) FROM STDIN (FORMAT csv, HEADER)`),
      );
      await pipeline(createReadStream(file.path), writer);
      perTable.push({ table: file.table, rows: writer.rowCount, ms: performance.now() - tableStarted });
    }
    const ms = performance.now() - started;
    const rows = perTable.reduce((sum, entry) => sum + entry.rows, 0);
    const bytes = files.reduce((sum, file) => sum + file.csvBytes, 0);
    return {
      ms,
      rows,
      bytes,
      rowsPerSecond: rows / (ms / 1000),
      mbPerSecond: bytes / 2 ** 20 / (ms / 1000),
      perTable,
    };
  } finally {
    await target.end();
  }
}
