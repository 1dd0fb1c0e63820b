import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { InboxRange } from '@totes/contracts';

const lineFeed = 0x0a;

/** Where a piece's reading of its lines got to. */
export interface RangeLines {
  /** The bytes of the lines that start in the range, as they come. */
  readonly bytes: AsyncGenerator<Uint8Array>;
  /** The line feeds among them, once `bytes` is read: the piece's lines, for numbering the next pieces'. */
  lineFeeds(): number;
}

/**
 * The lines of a file that start in the byte range `[start, end)`, from `stream`, which starts at `start - 1` (at 0
 * for the first range): the bytes up to the first line feed are another range's (unless the byte before `start`
 * ends a line), and the last line read may run past `end` to its line feed. The pieces of a file so read every
 * line once. `hash` sees the range's own bytes, exactly, whatever lines they hold. The stream is let go as soon as
 * the last line is read.
 */
export function rangeLines(stream: Readable, range: InboxRange, hash: Hash): RangeLines {
  let lineFeeds = 0;
  const countLineFeeds = (chunk: Uint8Array) => {
    for (let at = chunk.indexOf(lineFeed); at !== -1; at = chunk.indexOf(lineFeed, at + 1)) lineFeeds += 1;
  };
  async function* bytes(): AsyncGenerator<Uint8Array> {
    let position = range.start === 0 ? 0 : range.start - 1;
    let skipping = range.start > 0;
    try {
      for await (const read of stream) {
        let chunk = read as Uint8Array;
        hashOwnBytes(hash, chunk, position, range);
        if (skipping) {
          const feed = chunk.indexOf(lineFeed);
          if (feed === -1) {
            position += chunk.length;
            if (position >= range.end) return;
            continue;
          }
          skipping = false;
          // The next line starts past the range: it is the next piece's first, and this piece holds no line.
          if (position + feed + 1 >= range.end) return;
          chunk = chunk.subarray(feed + 1);
          position += feed + 1;
        }
        // Lines starting before `end` are this piece's: the line feed that ends the one holding byte `end - 1`.
        const from = Math.max(0, range.end - 1 - position);
        const feed = from < chunk.length ? chunk.indexOf(lineFeed, from) : -1;
        if (feed !== -1) {
          const last = chunk.subarray(0, feed + 1);
          countLineFeeds(last);
          yield last;
          return;
        }
        countLineFeeds(chunk);
        yield chunk;
        position += chunk.length;
      }
    } finally {
      stream.destroy();
    }
  }
  return { bytes: bytes(), lineFeeds: () => lineFeeds };
}

/** Adds to `hash` the bytes of `chunk` (at `position` in the file) that lie in the range. */
function hashOwnBytes(hash: Hash, chunk: Uint8Array, position: number, range: InboxRange): void {
  const from = Math.max(range.start, position);
  const to = Math.min(range.end, position + chunk.length);
  if (to > from) hash.update(chunk.subarray(from - position, to - position));
}

/**
 * The first line of a file (a CSV file's header), line feed included, from a stream of it from its start; the
 * stream is let go once it is read. A file with no line feed is all header.
 */
export async function firstLine(stream: Readable): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const read of stream) {
      const chunk = read as Uint8Array;
      const feed = chunk.indexOf(lineFeed);
      if (feed !== -1) {
        chunks.push(chunk.subarray(0, feed + 1));
        break;
      }
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}
