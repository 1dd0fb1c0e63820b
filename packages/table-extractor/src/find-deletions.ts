import type { LakeObject } from '@totes/contracts';
import {
  deletedAtColumn,
  deletedAtLakeColumn,
  isTombstone,
  type LakeColumn,
  type Row,
  rawColumnsOf,
  type SourceTable,
} from '@totes/model';
import { rawPrefix, type SourceKeys, shiftTimestamp } from '@totes/runtime';

/** What a key reconciliation needs: the raw zone, and the source's keys one range at a time. */
export interface DeletionPorts {
  /** Every lake key under a prefix. */
  listRaw(prefix: string): Promise<string[]>;
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  /** The source's keys in `[from, to)`, and its clock. */
  sourceKeys(table: SourceTable, from: number, to: number): Promise<SourceKeys>;
}

/** Keys compared per pass unless told otherwise: what bounds the reconciliation's memory. */
export const defaultKeysPerPass = 50_000;

/** A reconciliation under way: its tombstones as they are found, then what it found. */
export interface DeletionScan {
  /** Batches of tombstones: the last known values of each deleted row, with `_deleted_at` set. */
  readonly tombstones: AsyncIterable<Row[]>;
  /** Once the tombstones are drained: how many, and the source's clock at the first range it asked about. */
  summary(): { readonly deleted: number; readonly checkedAt: string | null };
}

/**
 * Finds the rows the lake holds as live (their latest version is not a tombstone) and the source no longer has, in
 * bounded memory: key range by key range (`keysPerPass` keys each), it reads only the key, `last_updated` and
 * `_deleted_at` columns of the raw parts, then asks the source for its keys in that range. The lake is read first,
 * so every row it holds was committed before the source is asked: a key the source then lacks was deleted, never
 * merely not yet seen. Tombstones of the same check (`ownFolder`, on a retry) are not read, so a retry finds the
 * same deletions again and overwrites them.
 */
export function findDeletions(
  table: SourceTable,
  ownFolder: string,
  ports: DeletionPorts,
  keysPerPass = defaultKeysPerPass,
): DeletionScan {
  let deleted = 0;
  let checkedAt: string | null = null;
  async function* tombstones(): AsyncGenerator<Row[]> {
    const parts = (await ports.listRaw(rawPrefix(table.name))).filter(
      (key) => key.endsWith('.parquet') && !key.startsWith(`${ownFolder}/`),
    );
    if (parts.length === 0) return;
    const bounds = await keyBounds(table, parts, ports);
    if (!bounds) return;
    for (let from = bounds.min; from <= bounds.max; from += keysPerPass) {
      const to = from + keysPerPass;
      const live = await liveKeysIn(table, parts, ports, from, to);
      if (live.size === 0) continue;
      const source = await ports.sourceKeys(table, from, to);
      checkedAt ??= source.now;
      for (const key of source.keys) live.delete(key);
      if (live.size === 0) continue;
      const found = await lastKnownRows(table, parts, ports, live);
      deleted += found.length;
      yield found.map((row) => tombstoneOf(table, row, source.now));
    }
  }
  return { tombstones: tombstones(), summary: () => ({ deleted, checkedAt }) };
}

/**
 * A deleted row's tombstone: its last known values, `_deleted_at` at the source's clock, and `last_updated` at the
 * same time, so it is the row's newest version (a fact's final version row, a dimension's newest source version).
 * A last known version stamped in the future keeps its order: the tombstone is one millisecond after it.
 */
export function tombstoneOf(table: SourceTable, row: Row, deletedAt: string): Row {
  const last = String(row[table.cursor]);
  const version = deletedAt > last ? deletedAt : shiftTimestamp(last, 1);
  return { ...row, [table.cursor]: version, [deletedAtColumn]: deletedAt };
}

function keyColumnsOf(table: SourceTable): LakeColumn[] {
  const named = (name: string) => table.columns.filter((column) => column.name === name);
  return [...named(table.primaryKey), ...named(table.cursor), deletedAtLakeColumn];
}

async function keyBounds(
  table: SourceTable,
  parts: string[],
  ports: DeletionPorts,
): Promise<{ min: number; max: number } | null> {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const key = table.columns.filter((column) => column.name === table.primaryKey);
  for await (const rows of ports.readDataset({ parts }, key)) {
    for (const row of rows) {
      const id = Number(row[table.primaryKey]);
      if (id < min) min = id;
      if (id > max) max = id;
    }
  }
  return Number.isFinite(min) ? { min, max } : null;
}

/** The keys in `[from, to)` whose latest version in the lake is live, with that version. */
async function liveKeysIn(
  table: SourceTable,
  parts: string[],
  ports: DeletionPorts,
  from: number,
  to: number,
): Promise<Map<number, string>> {
  const latest = new Map<number, { version: string; tombstone: boolean }>();
  for await (const rows of ports.readDataset({ parts }, keyColumnsOf(table))) {
    for (const row of rows) {
      const id = Number(row[table.primaryKey]);
      if (id < from || id >= to) continue;
      const version = String(row[table.cursor]);
      const seen = latest.get(id);
      // On a tie a tombstone wins: it is never older than the version it marks deleted.
      if (seen && (seen.version > version || (seen.version === version && seen.tombstone))) continue;
      latest.set(id, { version, tombstone: isTombstone(row) });
    }
  }
  const live = new Map<number, string>();
  for (const [id, { version, tombstone }] of latest) if (!tombstone) live.set(id, version);
  return live;
}

/** The latest version of each of `keys` (key → its latest `last_updated`), read with every raw column. */
async function lastKnownRows(
  table: SourceTable,
  parts: string[],
  ports: DeletionPorts,
  keys: ReadonlyMap<number, string>,
): Promise<Row[]> {
  const found = new Map<number, Row>();
  for await (const rows of ports.readDataset({ parts }, rawColumnsOf(table))) {
    for (const row of rows) {
      const id = Number(row[table.primaryKey]);
      if (!found.has(id) && keys.get(id) === row[table.cursor] && !isTombstone(row)) found.set(id, row);
    }
  }
  return [...found.keys()].sort((a, b) => a - b).map((id) => found.get(id) as Row);
}
