import { describe, expect, it } from 'vitest';
import { VerifyError, VerifyErrorCode } from './errors';
import { mergeByKey } from './merge-by-key';

interface Item {
  id: number;
  tag: string;
}

async function* batches(...lists: Item[][]): AsyncGenerator<Item[]> {
  for (const list of lists) yield list;
}

const byId = (item: Item) => item.id;

async function collect<T>(groups: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const group of groups) all.push(group);
  return all;
}

describe('mergeByKey', () => {
  it('pairs the rows of both sides by key across batch boundaries, keeping keys only one side has', async () => {
    const source = batches(
      [
        { id: 1, tag: 's1' },
        { id: 2, tag: 's2' },
      ],
      [{ id: 4, tag: 's4' }],
    );
    const warehouse = batches(
      [{ id: 2, tag: 'w2a' }],
      [
        { id: 2, tag: 'w2b' },
        { id: 3, tag: 'w3' },
      ],
    );

    const groups = await collect(mergeByKey(source, byId, warehouse, byId));

    expect(
      groups.map((group) => [
        group.key,
        group.source.map((row) => row.tag),
        group.warehouse.map((row) => row.tag),
      ]),
    ).toEqual([
      [1, ['s1'], []],
      [2, ['s2'], ['w2a', 'w2b']],
      [3, [], ['w3']],
      [4, ['s4'], []],
    ]);
  });

  it('refuses a side whose rows are not in key order instead of mismatching them', async () => {
    const source = batches([
      { id: 2, tag: 's2' },
      { id: 1, tag: 's1' },
    ]);

    const merging = collect(mergeByKey(source, byId, batches(), byId));

    await expect(merging).rejects.toThrow(VerifyError);
    await expect(merging).rejects.toMatchObject({ code: VerifyErrorCode.unorderedRows });
  });

  it('closes both streams when the caller stops early', async () => {
    const closed: string[] = [];
    async function* tracked(name: string): AsyncGenerator<Item[]> {
      try {
        yield [{ id: 1, tag: name }];
        yield [{ id: 2, tag: name }];
      } finally {
        closed.push(name);
      }
    }

    for await (const group of mergeByKey(tracked('source'), byId, tracked('warehouse'), byId)) {
      if (group.key === 1) break;
    }

    expect(closed.sort()).toEqual(['source', 'warehouse']);
  });
});
