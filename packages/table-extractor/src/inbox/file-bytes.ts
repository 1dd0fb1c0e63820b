import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InboxCompression } from '@totes/model';
import { Decompress } from 'fzstd';
import { InboxFileProblemError } from '../errors';

/**
 * The bytes of a file as a stream, decompressed as they come when it is gzip or zstd; `hash` sees the bytes as
 * stored. A broken or truncated compressed stream is a problem of the file.
 */
export async function* fileBytes(
  stream: Readable,
  compression: InboxCompression,
  hash: Hash,
): AsyncGenerator<Uint8Array> {
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // pipeline destroys every stage when one fails, so the error reaches the reader of the last.
  const out = pipeline([stream, tap, ...decompressor(compression)], () => {}) as unknown as Readable;
  try {
    for await (const chunk of out) yield chunk as Uint8Array;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new InboxFileProblemError(`not a readable gzip file: ${(error as Error).message}`);
    throw error;
  } finally {
    stream.destroy();
  }
}

/** A new content hash of a file. */
export function contentHash(): Hash {
  return createHash('sha256');
}

function decompressor(compression: InboxCompression): Transform[] {
  if (compression === InboxCompression.gzip) return [createGunzip()];
  if (compression === InboxCompression.zstd) return [zstdStream()];
  return [];
}

/**
 * zstd decompressed as a stream (Node 20's zlib has no zstd): fzstd, in plain JavaScript, holds one frame's window
 * and the block being decoded, whatever the size of the file. A file that ends mid-frame is refused.
 */
function zstdStream(): Transform {
  // Each block fzstd hands over is a new array of its own: passed on without a copy.
  const decompress = new Decompress((data) => {
    if (data.length > 0) stream.push(Buffer.from(data.buffer, data.byteOffset, data.length));
  });
  const push = (chunk: Uint8Array, final: boolean, done: (error?: Error | null) => void) => {
    try {
      decompress.push(chunk, final);
      done();
    } catch (error) {
      done(new InboxFileProblemError(`not a readable zstd file: ${(error as Error).message}`));
    }
  };
  const stream = new Transform({
    transform: (chunk: Buffer, _encoding, done) => push(chunk, false, done),
    flush: (done) => push(new Uint8Array(0), true, done),
  });
  return stream;
}
