import { describe, expect, it } from 'vitest';
import { groupsStartingIn } from './read-piece';

describe('the row groups of a Parquet piece', () => {
  // Row groups of 100 bytes each after the 4-byte magic: they start at 4, 104, 204, 304 and 404.
  const groups = Array.from({ length: 5 }, () => ({ rows: 10, compressedBytes: 100 }));
  const pieces = [
    { index: 0, of: 3, start: 0, end: 180 },
    { index: 1, of: 3, start: 180, end: 360 },
    { index: 2, of: 3, start: 360, end: 600 },
  ];

  it('are those that start in its range, so the pieces of a file read every group once', () => {
    const chosen = pieces.map((range) => groupsStartingIn(groups, range));

    expect(chosen).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('are none when no group starts in its range', () => {
    expect(groupsStartingIn(groups, { index: 1, of: 9, start: 110, end: 200 })).toEqual([]);
  });
});
