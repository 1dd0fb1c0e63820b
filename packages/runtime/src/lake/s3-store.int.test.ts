import { S3Client } from '@aws-sdk/client-s3';
import type { LakeColumn, Row } from '@totes/model';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLake, type Lake } from './dataset';
import { LakeErrorCode, LakeObjectNotFoundError, LakeWriteFailedError } from './errors';
import { createS3Store } from './s3-store';

const columns: readonly LakeColumn[] = [
  { name: 'id', lake: 'int32', nullable: false },
  { name: 'name', lake: 'string', nullable: true },
  { name: 'amount', lake: 'decimal', nullable: true },
  { name: 'paid', lake: 'boolean', nullable: true },
  { name: 'last_updated', lake: 'timestamp', nullable: false },
  { name: 'due_on', lake: 'date', nullable: true },
  { name: 'due_at', lake: 'time', nullable: true },
];

function rowsOf(count: number): Row[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index,
    name: index % 4 === 0 ? null : `Zoë ${index}`,
    amount: index % 5 === 0 ? null : `${index}.${String(index % 100).padStart(2, '0')}`,
    paid: index % 3 === 0 ? null : index % 2 === 0,
    last_updated: new Date(Date.UTC(2023, 10, 3, 14, 20, 52) + index * 7).toISOString().slice(0, 23),
    due_on: index % 6 === 0 ? null : '2023-11-30',
    due_at: index % 7 === 0 ? null : '09:15:00.250',
  }));
}

describe('lake on S3 (fauxqs)', () => {
  let server: FauxqsServer;
  let client: S3Client;
  let lake: Lake;
  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    server.createBucket('lake');
    client = new S3Client({
      endpoint: server.address,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });
  beforeEach(() => {
    server.emptyBucket('lake');
    lake = createLake('s3://lake/zones', { s3Client: client });
  });

  it('writes an object only where none is: a second conditional write leaves the first', async () => {
    const first = await lake.store.putIfAbsent('_totes/instance.json', new Uint8Array([1]));
    const second = await lake.store.putIfAbsent('_totes/instance.json', new Uint8Array([2]));

    expect([first, second]).toEqual([true, false]);
    expect(await lake.store.get('_totes/instance.json')).toEqual(new Uint8Array([1]));
  });

  it('writes a dataset in parts under the prefix and reads every row back exactly', async () => {
    const rows = rowsOf(25);

    const object = await lake.writeDataset('raw/payment/run-1', columns, [rows], { rowsPerPart: 10 });

    expect(object.parts).toEqual([
      'raw/payment/run-1/part-00000.parquet',
      'raw/payment/run-1/part-00001.parquet',
      'raw/payment/run-1/part-00002.parquet',
    ]);
    expect(await lake.readAll(object, columns)).toEqual(rows);
    const bucketKeys = await createS3Store({ bucket: 'lake', prefix: '', client }).list('');
    expect(bucketKeys).toEqual(object.parts.map((part) => `zones/${part}`));
  });

  it('rewrites a dataset idempotently and empties stale parts', async () => {
    await lake.writeDataset('ds', columns, [rowsOf(25)], { rowsPerPart: 10 });
    const again = await lake.writeDataset('ds', columns, [rowsOf(25)], { rowsPerPart: 10 });

    const smaller = await lake.writeDataset('ds', columns, [rowsOf(8)], { rowsPerPart: 10 });

    expect(again.parts).toHaveLength(3);
    expect(smaller.parts).toHaveLength(1);
    expect(await lake.readAll(smaller, columns)).toEqual(rowsOf(8));
    expect(await lake.readAll(again, columns)).toEqual(rowsOf(8));
  });

  it('lists every key across many small pages, sorted', async () => {
    const store = createS3Store({ bucket: 'lake', prefix: 'zones', client, listPageSize: 2 });
    const keys = Array.from({ length: 7 }, (_, index) => `paged/k-${index}`);
    for (const key of [...keys].reverse()) await store.put(key, new Uint8Array([1]));
    await store.put('pagedx/other', new Uint8Array([1]));

    const listed = await store.list('paged/');

    expect(listed).toEqual(keys);
  });

  it('throws LakeObjectNotFoundError naming the key and lake for a missing object', async () => {
    const error = await lake.store.get('raw/missing.parquet').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeObjectNotFoundError);
    expect(error).toMatchObject({ code: LakeErrorCode.lakeObjectNotFound, key: 'raw/missing.parquet' });
    expect((error as Error).message).toBe('No object raw/missing.parquet in lake s3://lake/zones');
  });

  it('tells whether an object exists and deletes it', async () => {
    await lake.store.put('a/b', new Uint8Array([1, 2]));
    const before = await lake.store.exists('a/b');

    await lake.store.delete('a/b');

    expect(before).toBe(true);
    expect(await lake.store.exists('a/b')).toBe(false);
    expect(await lake.store.get('a/b').catch((caught: unknown) => caught)).toBeInstanceOf(
      LakeObjectNotFoundError,
    );
  });

  it('throws LakeWriteFailedError naming the lake, without credentials, when the bucket is missing', async () => {
    const missing = createLake('s3://no-such-bucket/raw', { s3Client: client });

    const error = await missing.store.put('a', new Uint8Array([1])).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeWriteFailedError);
    expect((error as Error).message).toContain('Could not write a in lake s3://no-such-bucket/raw');
    expect((error as Error).message).not.toContain('test');
    expect((error as Error).cause).toMatchObject({ name: 'NoSuchBucket' });
  });
});
