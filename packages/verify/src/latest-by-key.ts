import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { Row } from '@totes/model';
import { compareKeys, type Key } from './values';

/** One version of a row: its key, its version (text that sorts in time order) and the order it was read in. */
export interface Versioned {
  readonly key: Key;
  readonly version: string;
  /** The order the version was read in: of two equal versions, the one read first wins. */
  readonly seq: number;
  readonly row: Row;
}

/** How {@link latestByKey} spills. */
export interface SpillOptions {
  /** A folder of its own for the sorted runs; emptied by the caller. */
  readonly dir: string;
  /** Versions held in memory before they are sorted and written out as one run. */
  readonly runRows: number;
  /** Runs merged at once; more are merged in passes, so open files stay bounded too. */
  readonly fanIn: number;
}

/** Key ascending, then version descending, then read order: the version that wins comes first in its key. */
export function compareVersioned(a: Versioned, b: Versioned): number {
  const byKey = compareKeys(a.key, b.key);
  if (byKey !== 0) return byKey;
  if (a.version !== b.version) return a.version < b.version ? 1 : -1;
  return a.seq - b.seq;
}

/** The first item of each key of a sorted stream. */
async function* firstOfEachKey(sorted: AsyncIterable<Versioned> | Iterable<Versioned>) {
  let last: Key | undefined;
  for await (const item of sorted) {
    if (last !== undefined && compareKeys(item.key, last) === 0) continue;
    last = item.key;
    yield item;
  }
}

function sortedLatest(items: Versioned[]): Versioned[] {
  items.sort(compareVersioned);
  return items.filter((item, index) => index === 0 || compareKeys(item.key, items[index - 1]!.key) !== 0);
}

/**
 * The winning version of each key, in key order, from versions that arrive in any order: an external merge sort.
 * At most `runRows` versions are held at once; beyond them sorted runs are written to `dir` as JSON lines and
 * merged back, so memory does not grow with the input. An input that fits in one run never touches the disk.
 */
export async function* latestByKey(
  batches: AsyncIterable<readonly Versioned[]>,
  options: SpillOptions,
): AsyncGenerator<Versioned> {
  const runs: string[] = [];
  let buffer: Versioned[] = [];
  for await (const batch of batches) {
    for (const item of batch) buffer.push(item);
    if (buffer.length >= options.runRows) {
      runs.push(await writeRun(options.dir, runs.length, sortedLatest(buffer)));
      buffer = [];
    }
  }
  const last = sortedLatest(buffer);
  buffer = [];
  if (runs.length === 0) {
    yield* last;
    return;
  }
  if (last.length > 0) runs.push(await writeRun(options.dir, runs.length, last));
  let next = runs.length;
  while (runs.length > options.fanIn) {
    const group = runs.splice(0, options.fanIn);
    runs.push(await writeRun(options.dir, next++, firstOfEachKey(mergeRuns(group))));
    await Promise.all(group.map((file) => rm(file, { force: true })));
  }
  yield* firstOfEachKey(mergeRuns(runs));
}

/** Writes sorted versions to a run file, one JSON array per line; returns its path. */
async function writeRun(
  dir: string,
  index: number,
  items: Iterable<Versioned> | AsyncIterable<Versioned>,
): Promise<string> {
  const path = join(dir, `run-${String(index).padStart(6, '0')}.jsonl`);
  const out = createWriteStream(path);
  let lines: string[] = [];
  const flush = async () => {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    if (!out.write(text)) await once(out, 'drain');
  };
  for await (const item of items) {
    lines.push(JSON.stringify([item.key, item.version, item.seq, item.row]));
    if (lines.length >= 1_000) await flush();
  }
  await flush();
  out.end();
  await finished(out);
  return path;
}

async function* readRun(path: string): AsyncGenerator<Versioned> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const [key, version, seq, row] = JSON.parse(line) as [Key, string, number, Row];
      yield { key, version, seq, row };
    }
  } finally {
    lines.close();
  }
}

/** Merges sorted run files into one sorted stream, one version of each run held at a time. */
async function* mergeRuns(paths: readonly string[]): AsyncGenerator<Versioned> {
  const readers = paths.map(readRun);
  try {
    const heads = await Promise.all(readers.map((reader) => reader.next()));
    while (true) {
      let smallest = -1;
      for (let index = 0; index < heads.length; index += 1) {
        const head = heads[index]!;
        if (head.done) continue;
        const best = heads[smallest];
        if (!best || best.done || compareVersioned(head.value, best.value) < 0) smallest = index;
      }
      const head = heads[smallest];
      if (!head || head.done) return;
      yield head.value;
      heads[smallest] = await readers[smallest]!.next();
    }
  } finally {
    await Promise.allSettled(readers.map((reader) => reader.return(undefined)));
  }
}
