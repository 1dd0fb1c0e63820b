import { stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ExportedFile } from './csv-export';

/** Rows per row group: smaller than pyarrow's million, so a reader holds less at once. */
const rowGroupRows = 131_072;

/**
 * Converts an exported CSV file to Parquet as a data tool hands one over: DuckDB reads the CSV with its own type
 * detection (int64 keys, float64 prices, timestamps in µs, dates as dates) and writes snappy Parquet in row groups
 * of {@link rowGroupRows} rows, streaming (DuckDB spills, it does not hold the file).
 */
export async function exportParquet(path: string, csv: ExportedFile): Promise<ExportedFile> {
  const duck = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB' });
  const connection = await duck.connect();
  try {
    await connection.run(
      `COPY (SELECT * FROM read_csv(${literal(csv.path)}, header = true)) TO ${literal(path)}
       (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroupRows})`,
    );
  } finally {
    connection.closeSync();
    duck.closeSync();
  }
  return { ...csv, path, bytes: (await stat(path)).size };
}

/** A path as a DuckDB string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
