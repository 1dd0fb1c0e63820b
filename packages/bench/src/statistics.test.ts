import { describe, expect, it } from 'vitest';
import { median, percentile, spreadOf, spreadOfPresent } from './statistics';

describe('statistics', () => {
  it('takes the middle value as the median, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('takes the nearest-rank percentile, so p95 of 50 values is the 48th smallest', () => {
    const values = Array.from({ length: 50 }, (_, i) => 50 - i);
    expect(percentile(values, 95)).toBe(48);
    expect(percentile(values, 50)).toBe(25);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNull();
  });

  it('gives median, min and max of the runs, leaving out runs that lack the measure', () => {
    expect(spreadOf([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(spreadOfPresent([5, null, 1, undefined])).toEqual({ median: 3, min: 1, max: 5 });
    expect(spreadOfPresent([null])).toBeNull();
  });
});
