import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestByKey, type Versioned } from './latest-by-key';

const version = (key: number, at: string, seq: number): Versioned => ({
  key,
  version: at,
  seq,
  row: { id: key, at, seq },
});

async function collect(items: AsyncIterable<Versioned>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) out.push(`${item.key}@${item.version}#${item.seq}`);
  return out;
}

async function* batches(...lists: Versioned[][]): AsyncGenerator<Versioned[]> {
  for (const list of lists) yield list;
}

describe('latestByKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latest-by-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const input = () =>
    batches(
      [version(3, '2024-01-02', 0), version(1, '2024-01-01', 1), version(2, '2024-01-05', 2)],
      [version(1, '2024-01-03', 3), version(3, '2024-01-01', 4)],
      [version(2, '2024-01-04', 5), version(4, '2024-01-01', 6), version(1, '2024-01-02', 7)],
    );
  const expected = ['1@2024-01-03#3', '2@2024-01-05#2', '3@2024-01-02#0', '4@2024-01-01#6'];

  it('yields the latest version of each key in key order when every version fits in memory', async () => {
    const latest = await collect(latestByKey(input(), { dir, runRows: 100, fanIn: 32 }));

    expect(latest).toEqual(expected);
    expect(await readdir(dir)).toEqual([]);
  });

  it('yields the same when the versions spill into runs merged in several passes', async () => {
    const latest = await collect(latestByKey(input(), { dir, runRows: 2, fanIn: 2 }));

    expect(latest).toEqual(expected);
  });

  it('keeps the version read first of two equal versions of a key, spilled or not', async () => {
    const equal = () => batches([version(7, '2024-01-01', 0)], [version(7, '2024-01-01', 1)]);

    const inMemory = await collect(latestByKey(equal(), { dir, runRows: 100, fanIn: 32 }));
    const spilled = await collect(latestByKey(equal(), { dir, runRows: 1, fanIn: 2 }));

    expect(inMemory).toEqual(['7@2024-01-01#0']);
    expect(spilled).toEqual(['7@2024-01-01#0']);
  });
});
