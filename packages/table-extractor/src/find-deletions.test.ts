import type { LakeColumn, Row, SourceTable } from '@totes/model';
import { findSourceTable } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { type DeletionPorts, findDeletions, tombstoneOf } from './find-deletions';

const design = findSourceTable('design') as SourceTable;
const now = '2024-12-01T08:00:00.000';
const row = (id: number, lastUpdated: string, deletedAt: string | null = null): Row => ({
  design_id: id,
  created_at: '2024-11-01T00:00:00.000',
  design_name: `Design ${id}`,
  file_location: '/designs',
  file_name: `design-${id}.json`,
  last_updated: lastUpdated,
  _deleted_at: deletedAt,
});

/** A lake of parts (each a list of rows) and a source holding `keys`; records what was read. */
function fakePorts(parts: Record<string, Row[]>, keys: number[]) {
  const sourceAsks: [number, number][] = [];
  const reads: string[][] = [];
  const ports: DeletionPorts = {
    async listRaw(prefix) {
      return Object.keys(parts).filter((key) => key.startsWith(prefix));
    },
    readDataset(object, columns: readonly LakeColumn[]) {
      reads.push(columns.map((column) => column.name));
      return (async function* () {
        for (const part of object.parts)
          yield (parts[part] ?? []).map((full) =>
            Object.fromEntries(columns.map((column) => [column.name, full[column.name] ?? null])),
          );
      })();
    },
    async sourceKeys(_table, from, to) {
      sourceAsks.push([from, to]);
      return { keys: keys.filter((key) => key >= from && key < to), now };
    },
  };
  return { ports, sourceAsks, reads };
}

async function drain(rows: AsyncIterable<Row[]>): Promise<Row[]> {
  const all: Row[] = [];
  for await (const batch of rows) all.push(...batch);
  return all;
}

describe('findDeletions', () => {
  it('writes a tombstone of the last known version of each live lake key the source no longer has', async () => {
    const fake = fakePorts(
      {
        'raw/design/a/part-00000.parquet': [
          row(1, '2024-11-01T00:00:00.000'),
          row(2, '2024-11-01T00:00:00.000'),
        ],
        'raw/design/b/part-00000.parquet': [
          row(2, '2024-11-20T00:00:00.000'),
          row(3, '2024-11-01T00:00:00.000'),
        ],
      },
      [1, 3],
    );

    const scan = findDeletions(design, 'raw/design/x/deletes-1', fake.ports);
    const tombstones = await drain(scan.tombstones);

    expect(tombstones).toEqual([
      { ...row(2, '2024-11-20T00:00:00.000'), last_updated: now, _deleted_at: now },
    ]);
    expect(scan.summary()).toEqual({ deleted: 1, checkedAt: now });
  });

  it('finds nothing, and writes nothing, when every live lake key is in the source', async () => {
    const fake = fakePorts(
      { 'raw/design/a/part-00000.parquet': [row(1, '2024-11-01T00:00:00.000')] },
      [1, 2],
    );

    const scan = findDeletions(design, 'raw/design/x/deletes-1', fake.ports);

    expect(await drain(scan.tombstones)).toEqual([]);
    expect(scan.summary().deleted).toBe(0);
  });

  it('does not delete a key twice: a key whose latest version is a tombstone is already gone', async () => {
    const fake = fakePorts(
      {
        'raw/design/a/part-00000.parquet': [row(1, '2024-11-01T00:00:00.000')],
        'raw/design/b/deletes-0/part-00000.parquet': [
          row(1, '2024-11-30T00:00:00.000', '2024-11-30T00:00:00.000'),
        ],
      },
      [],
    );

    const scan = findDeletions(design, 'raw/design/x/deletes-1', fake.ports);

    expect(await drain(scan.tombstones)).toEqual([]);
    expect(fake.sourceAsks).toEqual([]);
  });

  it('ignores its own earlier tombstones, so a retried check finds the same deletions again', async () => {
    const fake = fakePorts(
      {
        'raw/design/a/part-00000.parquet': [row(1, '2024-11-01T00:00:00.000')],
        'raw/design/x/deletes-1/part-00000.parquet': [
          row(1, '2024-11-30T00:00:00.000', '2024-11-30T00:00:00.000'),
        ],
      },
      [],
    );

    const tombstones = await drain(findDeletions(design, 'raw/design/x/deletes-1', fake.ports).tombstones);

    expect(tombstones.map((tombstone) => tombstone.design_id)).toEqual([1]);
  });

  it('compares one bounded key range at a time, reading only the key columns to find the live keys', async () => {
    const lake = Array.from({ length: 10 }, (_, index) => row(index + 1, '2024-11-01T00:00:00.000'));
    const fake = fakePorts({ 'raw/design/a/part-00000.parquet': lake }, [1, 2, 3, 5, 6, 7, 8, 9]);

    const tombstones = await drain(findDeletions(design, 'raw/design/x/deletes-1', fake.ports, 4).tombstones);

    expect(tombstones.map((tombstone) => tombstone.design_id)).toEqual([4, 10]);
    expect(fake.sourceAsks).toEqual([
      [1, 5],
      [5, 9],
      [9, 13],
    ]);
    expect(fake.reads[1]).toEqual(['design_id', 'last_updated', '_deleted_at']);
  });

  it('stamps a tombstone after a last version stamped in the future, so it stays the newest version', () => {
    const future = row(1, '2030-01-01T00:00:00.000');

    expect(tombstoneOf(design, future, now)).toMatchObject({
      last_updated: '2030-01-01T00:00:00.001',
      _deleted_at: now,
    });
  });
});
