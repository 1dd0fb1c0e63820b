import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { InboxRange } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { firstLine, rangeLines } from './range-lines';

/** The ranges a file of `size` bytes is cut into, `of` of them, as the detector cuts it. */
function rangesOf(size: number, of: number): InboxRange[] {
  const step = Math.ceil(size / of);
  return Array.from({ length: of }, (_unused, index) => ({
    index,
    of,
    start: index * step,
    end: Math.min(size, (index + 1) * step),
  }));
}

/** Reads one range of `text` as the extractor does: a stream from the byte before it, in chunks of `chunk` bytes. */
async function readRange(text: Buffer, range: InboxRange, chunk: number) {
  const from = range.start === 0 ? 0 : range.start - 1;
  const chunks: Buffer[] = [];
  for (let at = from; at < text.length; at += chunk) chunks.push(text.subarray(at, at + chunk));
  const hash = createHash('sha256');
  const lines = rangeLines(Readable.from(chunks), range, hash);
  const read: Uint8Array[] = [];
  for await (const bytes of lines.bytes) read.push(bytes);
  return { text: Buffer.concat(read).toString(), sha256: hash.digest('hex'), lineFeeds: lines.lineFeeds() };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the lines of one byte range of a file', () => {
  const file = Buffer.from(
    Array.from({ length: 40 }, (_unused, index) => `${index},${'x'.repeat(index % 7)}\r\n`).join(''),
  );

  it('reads every line of the file once, whatever the cuts and the chunks', async () => {
    for (const of of [2, 3, 7, 19])
      for (const chunk of [1, 5, 64, 4096]) {
        const pieces = await Promise.all(
          rangesOf(file.length, of).map((range) => readRange(file, range, chunk)),
        );

        expect(pieces.map((piece) => piece.text).join('')).toBe(file.toString());
        expect(pieces.reduce((sum, piece) => sum + piece.lineFeeds, 0)).toBe(40);
      }
  });

  it('hashes exactly the bytes of its range, wherever its lines end', async () => {
    for (const range of rangesOf(file.length, 5)) {
      const piece = await readRange(file, range, 7);

      expect(piece.sha256).toBe(sha256(file.subarray(range.start, range.end)));
    }
  });

  it('holds no line when a line starts before its range and ends after it', async () => {
    const long = Buffer.from(`a\n${'y'.repeat(100)}\nb\n`);
    const middle: InboxRange = { index: 1, of: 3, start: 10, end: 20 };

    const piece = await readRange(long, middle, 8);

    expect(piece).toEqual({ text: '', sha256: sha256(long.subarray(10, 20)), lineFeeds: 0 });
  });

  it('reads the last line of a file that does not end with a line feed', async () => {
    const unended = Buffer.from('one\ntwo\nthree');

    const pieces = await Promise.all(
      rangesOf(unended.length, 2).map((range) => readRange(unended, range, 3)),
    );

    expect(pieces.map((piece) => piece.text)).toEqual(['one\ntwo\n', 'three']);
  });
});

describe('the first line of a file', () => {
  it('is its header, line feed included, however it is chunked', async () => {
    const header = await firstLine(Readable.from([Buffer.from('a,b'), Buffer.from(',c\r\n1,2,3\n')]));

    expect(Buffer.from(header).toString()).toBe('a,b,c\r\n');
  });
});
