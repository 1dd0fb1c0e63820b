import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rangedBlob } from './ranged-blob';

describe('a file read as a Blob of ranged reads', () => {
  const file = Buffer.from('0123456789abcdef');
  const reads: [number, number][] = [];
  const blob = rangedBlob(file.length, async (start, end) => {
    reads.push([start, end]);
    return Readable.from([file.subarray(start, end)]);
  });

  it('reads only the slice asked for, as Blob.slice counts it, negative from the end', async () => {
    reads.length = 0;

    const middle = Buffer.from(await blob.slice(4, 8).arrayBuffer()).toString();
    const tail = Buffer.from(await blob.slice(-4).arrayBuffer()).toString();
    const nested = Buffer.from(await blob.slice(2, 12).slice(1, 3).arrayBuffer()).toString();

    expect([middle, tail, nested]).toEqual(['4567', 'cdef', '34']);
    expect(reads).toEqual([
      [4, 8],
      [12, 16],
      [3, 5],
    ]);
    expect(blob.size).toBe(16);
  });

  it('reads nothing for an empty slice', async () => {
    reads.length = 0;

    const empty = await blob.slice(20, 30).arrayBuffer();

    expect(empty.byteLength).toBe(0);
    expect(reads).toEqual([]);
  });
});
