import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LakeType } from '@totes/model';
import { columnBatchOf, createLake, rowsOf } from '@totes/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotGrantedError, UnknownLakeZoneError } from './errors';
import { zonedLake } from './lake';

const columns = [{ name: 'id', lake: LakeType.int32, nullable: false }];

describe('zonedLake', () => {
  let folders: string[];
  beforeEach(async () => {
    folders = [
      await mkdtemp(join(tmpdir(), 'totes-raw-')),
      await mkdtemp(join(tmpdir(), 'totes-processed-')),
    ];
  });
  afterEach(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('writes and reads each zone in its own lake, under the keys the cores use', async () => {
    const raw = createLake(folders[0]!);
    const processed = createLake(folders[1]!);
    const lake = zonedLake({ raw, processed });

    const rawObject = await lake.writeDataset('raw/currency/w1', columns, [[{ id: 1 }]]);
    const processedObject = await lake.writeDataset('processed/dim_currency/m1', columns, [[{ id: 2 }]]);

    expect(await raw.list('raw/')).toEqual(['raw/currency/w1/part-00000.parquet']);
    expect(await processed.list('processed/')).toEqual(['processed/dim_currency/m1/part-00000.parquet']);
    expect(await lake.list('raw/currency/')).toEqual(rawObject.parts);
    const rows = [];
    for await (const batch of lake.readDataset(
      { parts: [...rawObject.parts, ...processedObject.parts] },
      columns,
    )) {
      rows.push(...batch);
    }
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('reads column batches part by part from the zone each part is in', async () => {
    const raw = createLake(folders[0]!);
    const processed = createLake(folders[1]!);
    const lake = zonedLake({ raw, processed });
    const rawObject = await lake.writeDataset('raw/currency/w1', columns, [[{ id: 1 }]]);
    const processedObject = await lake.writeDataset('processed/dim_currency/m1', columns, [[{ id: 2 }]]);

    const rows = [];
    for await (const batch of lake.readColumns(
      { parts: [...processedObject.parts, ...rawObject.parts] },
      columns,
    )) {
      rows.push(...rowsOf(batch));
    }

    expect(rows).toEqual([{ id: 2 }, { id: 1 }]);
  });

  it('writes column batches to the zone the key names', async () => {
    const processed = createLake(folders[1]!);
    const lake = zonedLake({ raw: createLake(folders[0]!), processed });

    const object = await lake.writeColumns('processed/fact_payment/m1', columns, [
      columnBatchOf(columns, [{ id: 3 }]),
    ]);

    expect(await processed.readAll(object, columns)).toEqual([{ id: 3 }]);
  });

  it('refuses a zone the function was not given, naming the variable', async () => {
    const lake = zonedLake({ processed: createLake(folders[1]!) });

    await expect(lake.writeDataset('raw/currency/w1', columns, [[{ id: 1 }]])).rejects.toThrow(
      NotGrantedError,
    );
    await expect(lake.list('raw/currency/')).rejects.toThrow(/TOTES_RAW_LAKE_URL/);
  });

  it('refuses a key outside the two zones', async () => {
    const lake = zonedLake({ raw: createLake(folders[0]!), processed: createLake(folders[1]!) });

    await expect(lake.list('rawish/')).rejects.toThrow(UnknownLakeZoneError);
    await expect(lake.list('')).rejects.toThrow(UnknownLakeZoneError);
  });
});
