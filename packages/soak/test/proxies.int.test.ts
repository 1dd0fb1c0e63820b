import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { createAwsClients } from '@totes/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLakeWriteProxy } from '../src/lake-write-proxy';
import { startTcpProxy, throughProxy } from '../src/tcp-proxy';

const query = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one;
  } finally {
    await client.end().catch(() => undefined);
  }
};

describe('the TCP proxy in front of Postgres', () => {
  let postgres: TestPostgres;

  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(async () => {
    await postgres?.dispose();
  });

  it('forwards connections, refuses them during an outage, and forwards again after it', async () => {
    const url = postgres.url('postgres');
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const proxied = throughProxy(url, proxy);
    try {
      const before = await query(proxied);
      const outage = proxy.outage(1500);
      const during = await query(proxied).catch((error: Error) => error);
      await outage;
      const after = await query(proxied);

      expect(before).toBe(1);
      expect(during).toBeInstanceOf(Error);
      expect(after).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it('cuts a connection that is open when the outage starts', async () => {
    const url = postgres.url('postgres');
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const client = new pg.Client({ connectionString: throughProxy(url, proxy) });
    client.on('error', () => {});
    try {
      await client.connect();
      const outage = proxy.outage(500);
      const result = await client.query('SELECT pg_sleep(0.2)').catch((error: Error) => error);
      await outage;

      expect(result).toBeInstanceOf(Error);
    } finally {
      await client.end().catch(() => undefined);
      await proxy.stop();
    }
  });
});

describe('the lake write proxy in front of fauxqs', () => {
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws();
    aws.createBucket('proxy-test');
  });
  afterAll(async () => {
    await aws?.stop();
  });

  it('refuses S3 writes while the lake is unwritable, and lets reads, SQS and later writes through', async () => {
    const proxy = await startLakeWriteProxy(aws.endpoint);
    const { s3, sqs, sns } = createAwsClients({ region: 'us-east-1', endpoint: proxy.endpoint });
    const put = (body: string) =>
      s3.send(new PutObjectCommand({ Bucket: 'proxy-test', Key: 'raw/t/part-00000.parquet', Body: body }));
    const get = async () =>
      (
        await s3.send(new GetObjectCommand({ Bucket: 'proxy-test', Key: 'raw/t/part-00000.parquet' }))
      ).Body?.transformToString();
    try {
      await put('first');
      const unwritable = proxy.unwritableFor(1500);
      const refused = await put('second').catch((error: Error) => error);
      const readDuring = await get();
      const queues = await sqs.send(new ListQueuesCommand({}));
      await unwritable;
      await put('third');

      expect(refused).toMatchObject({ name: 'AccessDenied' });
      expect(readDuring).toBe('first');
      expect(queues.$metadata.httpStatusCode).toBe(200);
      expect(await get()).toBe('third');
      expect(proxy.refused).toBe(1);
    } finally {
      s3.destroy();
      sqs.destroy();
      sns.destroy();
      await proxy.stop();
    }
  });
});
