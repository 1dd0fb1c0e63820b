import { describe, expect, it } from 'vitest';
import { sortedKeys } from './reference-keys';

describe('sortedKeys', () => {
  it('orders numeric keys by value, not as text', () => {
    expect(sortedKeys(new Set([10, 9, -1, 100_000, 2]))).toEqual([-1, 2, 9, 10, 100_000]);
  });

  it('orders text keys by code point', () => {
    expect(sortedKeys(['b', 'B', 'a', 'é'])).toEqual(['B', 'a', 'b', 'é']);
  });

  it('gives back no key for none', () => {
    expect(sortedKeys([])).toEqual([]);
  });
});
