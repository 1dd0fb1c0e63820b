import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSourceTable, type Row, type SourceTable } from '@totes/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestPerKey } from './latest-per-key';

const design = findSourceTable('design') as SourceTable;
const row = (id: number, lastUpdated: string): Row => ({ design_id: id, last_updated: lastUpdated });
const at = (second: number) => `2024-01-01T00:00:${String(second).padStart(2, '0')}.000`;

/** The ordinals that lose, found the slow way: per key, all but the latest stamp, ties to the later row. */
function losersByHand(rows: readonly Row[]): number[] {
  const best = new Map<unknown, number>();
  rows.forEach((candidate, ordinal) => {
    const held = best.get(candidate.design_id);
    if (held === undefined || (candidate.last_updated as string) >= (rows[held]?.last_updated as string))
      best.set(candidate.design_id, ordinal);
  });
  const winners = new Set(best.values());
  return rows.map((_row, ordinal) => ordinal).filter((ordinal) => !winners.has(ordinal));
}

describe('latestPerKey', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'latest-per-key-test-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function losersOf(batches: Row[][], runLength?: number) {
    const tracker = latestPerKey(design, { folder, ...(runLength ? { runLength } : {}) });
    for (const batch of batches) await tracker.add(batch);
    const superseded = await tracker.finish();
    const total = batches.flat().length;
    return {
      count: superseded.count,
      ordinals: Array.from({ length: total }, (_, ordinal) => ordinal).filter((ordinal) =>
        superseded.has(ordinal),
      ),
    };
  }

  it('keeps the row with the latest last_updated of a key, wherever it is in the file', async () => {
    const rows = [row(1, at(5)), row(2, at(1)), row(1, at(9)), row(1, at(7))];

    expect(await losersOf([rows])).toEqual({ count: 2, ordinals: [0, 3] });
  });

  it('keeps the later row of a key whose rows have the same last_updated', async () => {
    expect(await losersOf([[row(1, at(5)), row(1, at(5))], [row(1, at(5))]])).toEqual({
      count: 2,
      ordinals: [0, 1],
    });
  });

  it('finds no loser in a file of distinct keys, and writes nothing to disk for a file under one run', async () => {
    expect(await losersOf([[row(3, at(1)), row(1, at(1)), row(2, at(1))]])).toEqual({
      count: 0,
      ordinals: [],
    });
    expect(await readdir(folder)).toEqual([]);
  });

  it('finds the same losers when the keys are sorted in runs on disk and merged, and removes the runs', async () => {
    // A seeded sequence: keys from a small range, so most appear several times, across many runs of 7.
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const rows = Array.from({ length: 500 }, () => row((next() % 60) - 30, at(next() % 4)));
    const batches = Array.from({ length: 50 }, (_, index) => rows.slice(index * 10, index * 10 + 10));

    const found = await losersOf(batches, 7);

    expect(found.ordinals).toEqual(losersByHand(rows));
    expect(found.count).toBe(found.ordinals.length);
    expect(await readdir(folder)).toEqual([]);
  });
});
