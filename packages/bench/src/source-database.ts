import { createPool } from '@totes/runtime';
import { qualifiedTable, seedTotesys, type TotesysTable, totesysTables } from '@totes/totesys';
import type { BenchPostgres } from './bench-postgres';

/** The seeded totesys of one benchmark. */
export interface SeededSource {
  readonly url: string;
  /** Wall time of {@link seedTotesys}: generate, COPY, foreign keys, ANALYZE. */
  readonly seedMs: number;
  readonly rows: Readonly<Record<TotesysTable, number>>;
  readonly totalRows: number;
}

/** Creates `totesys` on the server and seeds it at the scale, timed. */
export async function seedSource(
  postgres: BenchPostgres,
  options: { scale: number; seed: number },
): Promise<SeededSource> {
  await postgres.server.ensureDatabase('totesys');
  const url = postgres.server.url('totesys');
  const started = performance.now();
  const seeded = await seedTotesys(url, { scale: options.scale, seed: options.seed });
  const seedMs = performance.now() - started;
  const rows = { ...seeded.counts } as Record<TotesysTable, number>;
  return { url, seedMs, rows, totalRows: Object.values(rows).reduce((sum, count) => sum + count, 0) };
}

/** Bytes on disk of the 11 tables (heap, indexes and TOAST: `pg_total_relation_size`), in total and per table. */
export async function sourceSizeOnDisk(
  url: string,
): Promise<{ bytes: number; perTable: Record<TotesysTable, number> }> {
  const pool = createPool(url, { max: 1, applicationName: 'totes-bench' });
  try {
    const sizes = await pool.query<Record<TotesysTable, string>>(
      `SELECT ${totesysTables
        .map((table) => `pg_total_relation_size('${qualifiedTable(table)}') AS "${table}"`)
        .join(', ')}`,
    );
    const row = sizes.rows[0];
    const perTable = Object.fromEntries(
      totesysTables.map((table) => [table, Number(row?.[table] ?? 0)]),
    ) as Record<TotesysTable, number>;
    return { bytes: Object.values(perTable).reduce((sum, bytes) => sum + bytes, 0), perTable };
  } finally {
    await pool.end();
  }
}
