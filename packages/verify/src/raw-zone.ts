import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTombstone, type LakeColumn, type Row, rawColumnsOf, type SourceTable } from '@totes/model';
import { LakeZone, rawPrefix } from '@totes/runtime';
import { VerifyError, VerifyErrorCode } from './errors';
import { latestByKey, type Versioned } from './latest-by-key';
import type { SourceOfTruth } from './source-of-truth';
import { defaultBatchSize } from './stream-rows';
import { keyOf } from './values';

/** What reading the raw zone needs of the lake: the lake's own reader, one part at a time. */
export interface RawZoneLake {
  /** The lake's URL, for messages. */
  readonly url: string;
  list(prefix: string): Promise<string[]>;
  readDataset(object: { parts: string[] }, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
}

/** How the raw zone is read; the defaults suit a verification. */
export interface RawZoneOptions {
  /** Where the sorted runs of a large table are spilled; the system's temporary folder by default. */
  readonly spillDir?: string;
  /** Row versions held in memory before a sorted run is spilled; {@link defaultRunRows} by default. */
  readonly runRows?: number;
  /** Runs merged at once; 32 by default. */
  readonly fanIn?: number;
}

/** Row versions held in memory per table before they spill: the same order as a few of the lake's parts. */
export const defaultRunRows = 20_000;

/**
 * The lake's raw zone as the source of truth, for a platform with no source database: each table's current rows
 * are the latest version of each key by `last_updated` over every raw part of the table (database windows, inbox
 * files and delete checks alike), and a key whose latest version is a tombstone is gone. Parts are read one at a
 * time and the versions sorted with a bounded external merge sort, so memory does not grow with the lake.
 */
export function rawZoneSource(lake: RawZoneLake, options: RawZoneOptions = {}): SourceOfTruth {
  const name = `the raw zone of ${lake.url}`;
  const settings = { runRows: options.runRows ?? defaultRunRows, fanIn: options.fanIn ?? 32 };
  return {
    name,
    async openRows(work) {
      const parts = (await readable(name, () => lake.list(`${LakeZone.raw}/`))).filter(isPart);
      if (parts.length === 0) {
        throw new VerifyError(
          VerifyErrorCode.rawZoneEmpty,
          `${name} holds no part: nothing was extracted yet (drop files into the inbox and run \`totes run --once\` first)`,
        );
      }
      const dir = await mkdtemp(join(options.spillDir ?? tmpdir(), 'totes-verify-'));
      const stream = (table: SourceTable) => currentRows(lake, name, table, { dir, ...settings });
      try {
        return await work({
          stream,
          async read(table) {
            const rows: Row[] = [];
            for await (const batch of stream(table)) for (const row of batch) rows.push(row);
            return rows;
          },
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

function isPart(key: string): boolean {
  return key.endsWith('.parquet');
}

/** Runs a read of the lake, turning any failure into a {@link VerifyError} that names the raw zone. */
async function readable<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw unreadable(name, error);
  }
}

function unreadable(name: string, error: unknown): unknown {
  if (error instanceof VerifyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new VerifyError(VerifyErrorCode.rawZoneUnreadable, `cannot read ${name}: ${reason}`, {
    cause: error,
  });
}

/** Every version of a table's rows in the raw zone, part by part, numbered in the order they were read. */
async function* versionsOf(
  lake: RawZoneLake,
  name: string,
  table: SourceTable,
  parts: string[],
): AsyncGenerator<Versioned[]> {
  let seq = 0;
  const rows = lake.readDataset({ parts }, rawColumnsOf(table))[Symbol.asyncIterator]();
  while (true) {
    const next = await readable(name, () => rows.next());
    if (next.done) return;
    yield next.value.map((row) => ({
      key: keyOf(row, table.primaryKey),
      version: String(row[table.cursor] ?? ''),
      seq: seq++,
      row,
    }));
  }
}

/** A table's current rows, catalog columns only, in primary key order, batch by batch. */
async function* currentRows(
  lake: RawZoneLake,
  name: string,
  table: SourceTable,
  spill: { dir: string; runRows: number; fanIn: number },
): AsyncGenerator<Row[]> {
  const parts = (await readable(name, () => lake.list(rawPrefix(table.name)))).filter(isPart);
  const dir = await mkdtemp(join(spill.dir, `${table.name}-`));
  try {
    let batch: Row[] = [];
    for await (const latest of latestByKey(versionsOf(lake, name, table, parts), { ...spill, dir })) {
      // The latest version a tombstone: the source deleted the row, so it is not a current row.
      if (isTombstone(latest.row)) continue;
      batch.push(catalogRow(table, latest.row));
      if (batch.length >= defaultBatchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The catalog columns of a raw row, as the source database's query reads them (no `_deleted_at`). */
function catalogRow(table: SourceTable, raw: Row): Row {
  const row: Row = {};
  for (const column of table.columns) row[column.name] = raw[column.name] ?? null;
  return row;
}
