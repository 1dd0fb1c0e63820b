import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { InboxCompression } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { InboxFileProblemError } from '../errors';
import { zstd } from '../testing';
import { contentHash, fileBytes } from './file-bytes';

/** The bytes as stored, handed over in chunks of `chunk` bytes, read back decompressed with their hash. */
async function readBack(stored: Uint8Array, compression: InboxCompression, chunk = 1000) {
  const hash = contentHash();
  const pieces = Array.from({ length: Math.ceil(stored.length / chunk) }, (_, index) =>
    Buffer.from(stored.subarray(index * chunk, (index + 1) * chunk)),
  );
  const parts: Uint8Array[] = [];
  for await (const part of fileBytes(Readable.from(pieces), compression, hash)) parts.push(part);
  return { text: Buffer.concat(parts).toString(), sha256: hash.digest('hex') };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = Array.from({ length: 5000 }, (_, index) => `${index},row ${index}\n`).join('');

describe('fileBytes', () => {
  it('gunzips a gzip file as a stream and hashes the bytes as stored', async () => {
    const gzip = gzipSync(text);

    const read = await readBack(gzip, 'gzip');

    expect(read).toEqual({ text, sha256: sha256(gzip) });
  });

  it('decompresses a zstd file streamed in small chunks, and hashes the bytes as stored', async () => {
    const compressed = await zstd(Buffer.from(text), 19);

    const read = await readBack(compressed, 'zstd', 100);

    expect(compressed.length).toBeLessThan(text.length / 3);
    expect(read).toEqual({ text, sha256: sha256(compressed) });
  });

  it('reads a zstd file of several frames, as `zstd` writes concatenated files', async () => {
    const frames = Buffer.concat([await zstd(Buffer.from('a,b\n')), await zstd(Buffer.from('1,2\n'))]);

    expect((await readBack(frames, 'zstd')).text).toBe('a,b\n1,2\n');
  });

  it('passes an uncompressed file through untouched', async () => {
    expect((await readBack(Buffer.from(text), 'none')).text).toBe(text);
  });

  it.each([
    [
      'a truncated gzip file',
      'gzip',
      async () => gzipSync(text).subarray(0, 200),
      /not a readable gzip file/,
    ],
    [
      'a truncated zstd file',
      'zstd',
      async () => (await zstd(Buffer.from(text))).subarray(0, 200),
      /not a readable zstd file: unexpected EOF/,
    ],
    ['bytes that are not zstd', 'zstd', async () => Buffer.from(text), /not a readable zstd file/],
  ] as const)('refuses %s as a problem of the file', async (_case, compression, stored, reason) => {
    const read = readBack(await stored(), compression);

    await expect(read).rejects.toThrow(InboxFileProblemError);
    await expect(readBack(await stored(), compression)).rejects.toThrow(reason);
  });
});
