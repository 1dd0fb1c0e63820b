import type { Readable } from 'node:stream';

/** Reads the bytes `[start, end)` of a file as a stream. */
export type ReadRange = (start: number, end: number) => Promise<Readable>;

/**
 * A file of `size` bytes as a Blob whose slices are read only when asked for, each by `read` (a ranged GET on S3):
 * what a Parquet reader needs to read the footer and then one row group's column chunks at a time, without the
 * file on disk. Only `size`, `slice` and `arrayBuffer` are there, which is all parquet-wasm calls.
 */
export function rangedBlob(size: number, read: ReadRange): Blob {
  const sliceOf = (from: number, to: number) => ({
    size: to - from,
    slice(start = 0, end = to - from) {
      const [s, e] = bounds(to - from, start, end);
      return sliceOf(from + s, from + e);
    },
    async arrayBuffer(): Promise<ArrayBuffer> {
      const chunks: Buffer[] = [];
      if (to > from) for await (const chunk of await read(from, to)) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  });
  return sliceOf(0, size) as unknown as Blob;
}

/** A slice's bounds as Blob.slice reads them: negative counts from the end, clamped to the size. */
function bounds(size: number, start: number, end: number): [number, number] {
  const at = (value: number) => Math.min(size, Math.max(0, value < 0 ? size + value : value));
  const from = at(start);
  return [from, Math.max(from, at(end))];
}
