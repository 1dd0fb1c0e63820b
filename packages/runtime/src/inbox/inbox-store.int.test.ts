import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInboxStore, type InboxStore } from './inbox-store';

async function textOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe('an inbox on S3 (fauxqs)', () => {
  let server: FauxqsServer;
  let client: S3Client;
  let inbox: InboxStore;
  let folder: string;
  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    server.createBucket('drop');
    client = new S3Client({
      endpoint: server.address,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    folder = await mkdtemp(join(tmpdir(), 'totes-put-'));
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.emptyBucket('drop');
    inbox = createInboxStore('s3://drop/inbox', { s3Client: client });
  });

  it('puts a local file under the prefix, lists it by its key under the inbox with its ETag and size, and streams it', async () => {
    const path = join(folder, 'a.csv');
    await writeFile(path, 'design_id\n1\n');

    await inbox.putFile('design/a.csv', path);
    const listed = await inbox.list();

    expect(listed).toEqual([{ key: 'design/a.csv', version: expect.stringMatching(/\S/), bytes: 12 }]);
    expect(await textOf(await inbox.read('design/a.csv'))).toBe('design_id\n1\n');
  });

  it('lists nothing outside its prefix, and no hidden key', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'drop', Key: 'elsewhere/design/a.csv', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: 'drop', Key: 'inbox/design/.a.csv.tmp', Body: 'x' }));

    expect(await inbox.list()).toEqual([]);
  });

  it('gives the same bytes written again a new version only when the store does', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'drop', Key: 'inbox/design/a.csv', Body: 'one' }));
    const [first] = await inbox.list();
    await client.send(new PutObjectCommand({ Bucket: 'drop', Key: 'inbox/design/a.csv', Body: 'two' }));
    const [second] = await inbox.list();

    expect(second?.version).not.toBe(first?.version);
  });
});

describe('an inbox in a local folder', () => {
  it('lists files in nested folders by their key, leaving out hidden ones, and a missing folder as empty', async () => {
    const root = await mkdtemp(join(tmpdir(), 'totes-inbox-'));
    const source = join(root, '..', `${root.split('/').at(-1)}-a.csv`);
    await writeFile(source, 'x\n');
    const inbox = createInboxStore(join(root, 'inbox'));
    try {
      const before = await inbox.list();
      await inbox.putFile('payment/2024/a.csv', source);
      await inbox.putFile('payment/.hidden.csv', source);

      expect(before).toEqual([]);
      expect((await inbox.list()).map((file) => [file.key, file.bytes])).toEqual([['payment/2024/a.csv', 2]]);
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(source, { force: true });
    }
  });
});
