import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSourceTable, type Row, rawColumnsOf, type SourceTable } from '@totes/model';
import { createLake, type Lake } from '@totes/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VerifyErrorCode } from './errors';
import { rawZoneSource } from './raw-zone';

function table(name: string): SourceTable {
  const found = findSourceTable(name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

const design = table('design');
const designRow = (design_id: number, design_name: string, last_updated: string): Row => ({
  design_id,
  created_at: '2024-01-01T00:00:00.000',
  design_name,
  file_location: '/designs',
  file_name: `${design_id}.json`,
  last_updated,
});

describe('rawZoneSource', () => {
  let root: string;
  let spill: string;
  let lake: Lake;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'raw-zone-lake-'));
    spill = await mkdtemp(join(tmpdir(), 'raw-zone-spill-'));
    lake = createLake(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(spill, { recursive: true, force: true });
  });

  const write = (key: string, rows: Row[]) => lake.writeDataset(key, rawColumnsOf(design), [rows]);
  const streamed = (runRows: number) =>
    rawZoneSource(lake, { spillDir: spill, runRows, fanIn: 2 }).openRows(async (rows) => {
      const all: Row[] = [];
      for await (const batch of rows.stream(design)) all.push(...batch);
      return all;
    });

  it('gives the latest version of each key over database windows, inbox files and deletes, in key order', async () => {
    await write('raw/design/2024-01-02/window-b', [
      designRow(3, 'Wool', '2024-01-02T00:00:00.000'),
      designRow(1, 'Silk', '2024-01-02T00:00:00.000'),
    ]);
    // Written after, yet older: the version by last_updated wins, not the part's order.
    await write('raw/design/inbox/file-a', [
      designRow(1, 'Old silk', '2024-01-01T00:00:00.000'),
      designRow(2, 'Suede', '2024-01-03T00:00:00.000'),
    ]);
    await write('raw/design/2024-01-04/deletes-x', [
      { ...designRow(3, 'Wool', '2024-01-04T00:00:00.000'), _deleted_at: '2024-01-04T00:00:00.000' },
    ]);

    const inMemory = await streamed(100);
    const spilled = await streamed(1);

    expect(inMemory).toEqual([
      designRow(1, 'Silk', '2024-01-02T00:00:00.000'),
      designRow(2, 'Suede', '2024-01-03T00:00:00.000'),
    ]);
    expect(spilled).toEqual(inMemory);
    expect(await readdir(spill)).toEqual([]);
  });

  it('gives no rows for a table the raw zone holds no part of', async () => {
    await write('raw/design/inbox/file-a', [designRow(1, 'Silk', '2024-01-01T00:00:00.000')]);

    const staff = await rawZoneSource(lake, { spillDir: spill }).openRows((rows) =>
      rows.read(table('staff')),
    );

    expect(staff).toEqual([]);
  });

  it('refuses to verify against a raw zone that holds no part, saying nothing was extracted', async () => {
    const opening = rawZoneSource(lake, { spillDir: spill }).openRows(async () => 'compared');

    await expect(opening).rejects.toMatchObject({
      code: VerifyErrorCode.rawZoneEmpty,
      message: expect.stringMatching(/^the raw zone of file:\/\/.* holds no part: nothing was extracted yet/),
    });
  });

  it('names the raw zone and the part when a part cannot be read', async () => {
    await mkdir(join(root, 'raw', 'design', 'inbox', 'bad'), { recursive: true });
    await writeFile(join(root, 'raw', 'design', 'inbox', 'bad', 'part-00000.parquet'), 'not parquet');

    const reading = streamed(100);

    await expect(reading).rejects.toMatchObject({
      code: VerifyErrorCode.rawZoneUnreadable,
      message: expect.stringMatching(
        /^cannot read the raw zone of file:\/\/.*raw\/design\/inbox\/bad\/part-00000/,
      ),
    });
  });
});
