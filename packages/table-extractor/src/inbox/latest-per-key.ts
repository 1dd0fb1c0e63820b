import { type FileHandle, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, SourceTable } from '@totes/model';
import { parseTimestamp } from '@totes/runtime';

/** The rows of a file that lose to another row of their primary key in the same file. */
export interface Superseded {
  readonly count: number;
  /** Whether the row at `ordinal` (0-based, in the file's order) loses. */
  has(ordinal: number): boolean;
}

/** Finds, over a file's rows seen in order, the rows that a later or newer row of the same key supersedes. */
export interface LatestPerKey {
  /** The next rows of the file, in its order. */
  add(rows: readonly Row[]): Promise<void>;
  /** The rows that lose: all but the one with the latest `last_updated` of each key (ties: the later row). */
  finish(): Promise<Superseded>;
  /** Removes whatever was written to disk; finish does too. */
  dispose(): Promise<void>;
}

/** Entries held in memory before they are sorted and written out as a run. */
export const defaultRunLength = 2 ** 18;
// An entry is sorted as (key + 2^31) · 2^21 + its index in the run: exact in a double while runs are ≤ 2^21 long.
const maxRunLength = 2 ** 21;
const keyOffset = 2 ** 31;
// A run on disk holds entries as three doubles: key, last_updated (epoch ms), ordinal.
const width = 3;
const blockEntries = 4096;

/**
 * Tracks a file's keys in bounded memory, by an external merge sort: each entry (key, `last_updated`, ordinal) goes
 * into a run of `runLength` entries (≈ 20 bytes each); a full run is sorted by key and written to a temporary file,
 * 24 bytes an entry. `finish` merges the runs (a block of 4096 entries each in memory) and walks each key's entries
 * in file order, marking the losers in a bitmap of one bit per row, made only when a key appears twice. A file with
 * fewer rows than a run never touches the disk.
 */
export function latestPerKey(
  table: SourceTable,
  options: { runLength?: number; folder?: string } = {},
): LatestPerKey {
  const runLength = Math.min(options.runLength ?? defaultRunLength, maxRunLength);
  const keys = new Int32Array(runLength);
  const stamps = new Float64Array(runLength);
  let filled = 0;
  let total = 0;
  let folder: string | undefined;
  const runs: string[] = [];
  const spill = async () => {
    folder ??= await mkdtemp(join(options.folder ?? tmpdir(), 'totes-keys-'));
    const path = join(folder, `run-${runs.length}`);
    await writeFile(path, new Uint8Array(sortedRun(keys, stamps, filled, total - filled).buffer));
    runs.push(path);
    filled = 0;
  };
  const dispose = async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
    folder = undefined;
  };
  return {
    async add(rows) {
      for (const row of rows) {
        keys[filled] = row[table.primaryKey] as number;
        stamps[filled] = stampOf(row[table.cursor]);
        filled += 1;
        total += 1;
        if (filled === runLength) await spill();
      }
    },
    async finish() {
      const cursors: RunCursor[] = [
        memoryCursor(sortedRun(keys, stamps, filled, total - filled), runs.length),
      ];
      try {
        for (const [index, path] of runs.entries()) cursors.unshift(await fileCursor(path, index));
        return await losers(cursors, total);
      } finally {
        await Promise.all(cursors.map((cursor) => cursor.close()));
        await dispose();
      }
    },
    dispose,
  };
}

/**
 * `last_updated` as epoch milliseconds: the lake's text form is UTC to the millisecond, read by arithmetic (no
 * string or Date per row).
 */
function stampOf(value: unknown): number {
  return typeof value === 'string' ? (parseTimestamp(value) ?? Number.NaN) : Number.NEGATIVE_INFINITY;
}

/** The run's entries sorted by key, then by their order in the file, as (key, stamp, ordinal) triples. */
function sortedRun(keys: Int32Array, stamps: Float64Array, count: number, base: number): Float64Array {
  const order = new Float64Array(count);
  for (let index = 0; index < count; index++)
    order[index] = ((keys[index] as number) + keyOffset) * maxRunLength + index;
  order.sort();
  const entries = new Float64Array(count * width);
  for (let at = 0; at < count; at++) {
    const index = (order[at] as number) % maxRunLength;
    entries[at * width] = keys[index] as number;
    entries[at * width + 1] = stamps[index] as number;
    entries[at * width + 2] = base + index;
  }
  return entries;
}

/** A sorted run being read: its current block of entries and the entry at hand. */
interface RunCursor {
  /** The run's place in the file: runs hold rows in file order, so equal keys are taken from earlier runs first. */
  readonly run: number;
  entries: Float64Array;
  length: number;
  at: number;
  /** Reads the next block; false at the run's end. */
  refill(): Promise<boolean>;
  close(): Promise<void>;
}

function memoryCursor(entries: Float64Array, run: number): RunCursor {
  return {
    run,
    entries,
    length: entries.length / width,
    at: 0,
    refill: async () => false,
    close: async () => {},
  };
}

async function fileCursor(path: string, run: number): Promise<RunCursor> {
  const handle: FileHandle = await open(path, 'r');
  const entries = new Float64Array(blockEntries * width);
  const bytes = new Uint8Array(entries.buffer);
  let position = 0;
  const cursor: RunCursor = {
    run,
    entries,
    length: 0,
    at: 0,
    async refill() {
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, position);
      position += bytesRead;
      cursor.length = bytesRead / (width * 8);
      cursor.at = 0;
      return cursor.length > 0;
    },
    close: () => handle.close(),
  };
  await cursor.refill();
  return cursor;
}

/** Merges the runs by key and marks, within each key, every entry but the latest (ties: the later in the file). */
async function losers(cursors: RunCursor[], total: number): Promise<Superseded> {
  const heap = cursors.filter((cursor) => cursor.length > 0);
  for (let index = (heap.length >> 1) - 1; index >= 0; index--) siftDown(heap, index);
  let bitmap: Uint8Array | undefined;
  let count = 0;
  const lose = (ordinal: number) => {
    bitmap ??= new Uint8Array(Math.ceil(total / 8));
    bitmap[ordinal >> 3]! |= 1 << (ordinal & 7);
    count += 1;
  };
  let groupKey = Number.NaN;
  let best = -1;
  let bestStamp = 0;
  for (let top = heap[0]; top; top = heap[0]) {
    const base = top.at * width;
    const key = top.entries[base] as number;
    const stamp = top.entries[base + 1] as number;
    const ordinal = top.entries[base + 2] as number;
    if (key !== groupKey) {
      groupKey = key;
      best = ordinal;
      bestStamp = stamp;
    } else if (stamp >= bestStamp) {
      lose(best);
      best = ordinal;
      bestStamp = stamp;
    } else lose(ordinal);
    top.at += 1;
    if (top.at < top.length || (await top.refill())) siftDown(heap, 0);
    else {
      const last = heap.pop() as RunCursor;
      if (heap.length > 0 && last !== top) {
        heap[0] = last;
        siftDown(heap, 0);
      }
    }
  }
  const marks = bitmap;
  return {
    count,
    has: (ordinal) => marks !== undefined && (marks[ordinal >> 3]! & (1 << (ordinal & 7))) !== 0,
  };
}

/** Restores a binary min-heap of cursors (by their entry's key, then by run) below `start`. */
function siftDown(heap: RunCursor[], start: number): void {
  let index = start;
  for (;;) {
    const left = 2 * index + 1;
    let least = index;
    if (left < heap.length && before(heap[left] as RunCursor, heap[least] as RunCursor)) least = left;
    if (left + 1 < heap.length && before(heap[left + 1] as RunCursor, heap[least] as RunCursor))
      least = left + 1;
    if (least === index) return;
    [heap[index], heap[least]] = [heap[least] as RunCursor, heap[index] as RunCursor];
    index = least;
  }
}

function before(a: RunCursor, b: RunCursor): boolean {
  const keyA = a.entries[a.at * width] as number;
  const keyB = b.entries[b.at * width] as number;
  return keyA < keyB || (keyA === keyB && a.run < b.run);
}
