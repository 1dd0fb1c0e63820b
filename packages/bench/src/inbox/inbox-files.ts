import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dependenciesOf, factModels, factReferences } from '@totes/model';
import { generateTotesys, type TotesysTable, totesysRowCounts, totesysTables } from '@totes/totesys';
import { InboxBenchFormat } from '../options';
import { csvChunks, type ExportedFile, exportCsv, gzipFile } from './csv-export';
import { exportParquet } from './parquet-export';

/** The tables whose files are timed: the largest two, each a fact's primary table. */
export const measuredTables = ['sales_order', 'payment'] as const satisfies readonly TotesysTable[];

/**
 * The tables the facts of `tables` need loaded first (their dimensions' tables), less `tables` themselves: an
 * inbox-only platform has no other input, and a fact load waits for its dimension rows. The calendar is built from
 * the facts' own dates, so it needs no table.
 */
export function prerequisiteTables(tables: readonly TotesysTable[]): TotesysTable[] {
  const needed = new Set<string>();
  for (const fact of factModels.filter((model) => tables.includes(model.primaryTable as TotesysTable))) {
    for (const { dimension } of factReferences(fact)) {
      if (dimension.build === 'calendar') continue;
      for (const table of dependenciesOf(dimension)) needed.add(table);
    }
  }
  return totesysTables.filter((table) => needed.has(table) && !tables.includes(table));
}

/**
 * The totesys scale at which the CSV of the measured tables holds at least `targetBytes`: their size at a small
 * scale, counted without writing, scaled up (ids grow longer with the scale, so the estimate errs large).
 */
export function scaleForBytes(targetBytes: number, seed: number): number {
  const probeScale = 0.05;
  const dataset = generateTotesys({ scale: probeScale, seed });
  let bytes = 0;
  for (const table of measuredTables)
    for (const chunk of csvChunks(table, dataset.rows(table))) bytes += Buffer.byteLength(chunk);
  return Math.max(0.001, (targetBytes / bytes) * probeScale);
}

/** Writes one CSV file per table into `dir`, as PostgreSQL's COPY writes it; gzip too when asked. */
export async function writeTableFiles(
  dir: string,
  tables: readonly TotesysTable[],
  options: { scale: number; seed: number },
): Promise<ExportedFile[]> {
  await mkdir(dir, { recursive: true });
  const dataset = generateTotesys(options);
  const files: ExportedFile[] = [];
  for (const table of tables)
    files.push(await exportCsv(join(dir, `${table}.csv`), table, dataset.rows(table), { gzip: false }));
  return files;
}

/** The measured tables' files in `format`: the CSV files themselves, or made from them into `dir`. */
export async function filesInFormat(
  dir: string,
  csvFiles: readonly ExportedFile[],
  format: InboxBenchFormat,
): Promise<ExportedFile[]> {
  if (format === InboxBenchFormat.csv) return [...csvFiles];
  await mkdir(dir, { recursive: true });
  const files: ExportedFile[] = [];
  for (const csv of csvFiles) {
    const path = join(dir, `${csv.table}.${format}`);
    files.push(
      format === InboxBenchFormat.parquet ? await exportParquet(path, csv) : await gzipFile(path, csv),
    );
  }
  return files;
}

/**
 * `count` CSV files of `rowsPerFile` consecutive sales orders each (the last may hold fewer), `small-<n>.csv` in
 * `dir`: the rows of a scale just large enough.
 */
export async function writeSmallFiles(
  dir: string,
  options: { count: number; rowsPerFile: number; seed: number },
): Promise<ExportedFile[]> {
  await mkdir(dir, { recursive: true });
  const wanted = options.count * options.rowsPerFile;
  const perScale = totesysRowCounts(1).sales_order;
  const rows = generateTotesys({ scale: Math.max(0.001, wanted / perScale + 0.01), seed: options.seed }).rows(
    'sales_order',
  );
  const files: ExportedFile[] = [];
  for (let n = 0; n < options.count; n++) {
    const batch: ReturnType<typeof rows.next>['value'][] = [];
    for (let next = rows.next(); !next.done; next = rows.next()) {
      batch.push(next.value);
      if (batch.length >= options.rowsPerFile) break;
    }
    if (batch.length === 0) break;
    files.push(await exportCsv(join(dir, `small-${n}.csv`), 'sales_order', batch, { gzip: false }));
  }
  return files;
}
