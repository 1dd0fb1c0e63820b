import type { InboxEntry } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { batchesOf, piecesOfFile } from './claim-batches';

const entry = (key: string, bytes = 10, table: string | null = key.split('/')[0] ?? null) =>
  ({ key, version: 'v1', bytes, table }) as InboxEntry;
const keysOf = (batches: ReturnType<typeof batchesOf>) =>
  batches.map((batch) => [batch.table, batch.files.map((file) => file.key)]);

describe('batchesOf', () => {
  it('groups the due files by table, in their order, up to the budget of files, full batches first', () => {
    const due = ['design/a', 'staff/a', 'design/b', 'design/c'].map((key) => entry(key));

    expect(keysOf(batchesOf(due, { files: 2, bytes: 1000 }))).toEqual([
      ['design', ['design/a', 'design/b']],
      ['staff', ['staff/a']],
      ['design', ['design/c']],
    ]);
  });

  it('closes a batch before the file that would take it past the budget of bytes, and claims a larger file alone', () => {
    const due = [
      entry('design/a', 40),
      entry('design/b', 40),
      entry('design/big', 500),
      entry('design/c', 10),
    ];

    expect(keysOf(batchesOf(due, { files: 10, bytes: 100 }))).toEqual([
      ['design', ['design/a', 'design/b']],
      ['design', ['design/big']],
      ['design', ['design/c']],
    ]);
  });

  it('keeps the names of one batch within what one queue message holds, whatever the budget of files', () => {
    const longKey = (index: number) => `design/${String(index).padStart(1000, '0')}.csv`;
    const due = Array.from({ length: 400 }, (_, index) => entry(longKey(index)));

    const batches = batchesOf(due, { files: 1000, bytes: 1024 ** 3 });

    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(JSON.stringify(batch.files).length).toBeLessThan(200 * 1024);
    expect(batches.flatMap((batch) => batch.files).length).toBe(400);
  });

  it('counts the names in UTF-8 bytes, as SQS does, so keys in any script fit one message', () => {
    // 340 three-byte characters: 1020 bytes a key, a third of that in UTF-16 code units.
    const longKey = (index: number) => `design/${'設'.repeat(340)}-${index}.csv`;
    const due = Array.from({ length: 400 }, (_, index) => entry(longKey(index)));

    const batches = batchesOf(due, { files: 1000, bytes: 1024 ** 3 });

    for (const batch of batches) {
      expect(Buffer.byteLength(JSON.stringify(batch.files))).toBeLessThan(200 * 1024);
    }
    expect(batches.flatMap((batch) => batch.files).length).toBe(400);
  });

  it('leaves out files with no table: they were quarantined on sight', () => {
    expect(batchesOf([entry('orders.csv', 10, null)])).toEqual([]);
  });
});

describe('piecesOfFile', () => {
  const large = (key: string, bytes = 1000) => ({ key, version: 'v1', bytes, readWhole: false });

  it('cuts an uncompressed CSV, JSON Lines or Parquet file larger than a piece into ranges that cover it once, in order', () => {
    for (const key of ['sales_order/big.csv', 'payment/big.jsonl', 'payment/big.parquet']) {
      const pieces = piecesOfFile(large(key, 1000), 300);

      expect(pieces?.map((piece) => piece.range)).toEqual([
        { index: 0, of: 4, start: 0, end: 250 },
        { index: 1, of: 4, start: 250, end: 500 },
        { index: 2, of: 4, start: 500, end: 750 },
        { index: 3, of: 4, start: 750, end: 1000 },
      ]);
      expect(
        pieces?.every((piece) => piece.key === key && piece.version === 'v1' && piece.bytes === 1000),
      ).toBe(true);
    }
  });

  it('makes a large compressed file one piece of itself, to be read from its start in one pass', () => {
    for (const key of ['sales_order/big.csv.gz', 'sales_order/big.parquet.zst'])
      expect(piecesOfFile(large(key, 1000), 300)?.map((piece) => piece.range)).toEqual([
        { index: 0, of: 1, start: 0, end: 1000 },
      ]);
  });

  it('reads whole a file no larger than a piece, and one a read in pieces gave up on', () => {
    expect(piecesOfFile(large('sales_order/small.csv', 300), 300)).toBeNull();
    expect(piecesOfFile(large('sales_order/small.csv.gz', 300), 300)).toBeNull();
    expect(piecesOfFile({ ...large('sales_order/big.csv'), readWhole: true }, 300)).toBeNull();
  });

  it('claims a large file alone, as pieces, between batches of small ones', () => {
    const due = [
      entry('sales_order/a.csv', 10),
      { ...entry('sales_order/big.csv', 1000), readWhole: false },
      entry('sales_order/b.csv', 10),
    ];

    const batches = batchesOf(due, { files: 10, bytes: 100, pieceBytes: 500 });

    expect(batches.map((batch) => [batch.files.map((file) => file.key), batch.pieces?.length])).toEqual([
      [['sales_order/big.csv'], 2],
      [['sales_order/a.csv', 'sales_order/b.csv'], undefined],
    ]);
  });
});
