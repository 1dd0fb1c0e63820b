/** The median of several runs, with the smallest and largest, as the report shows every repeated measure. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The median (the mean of the two middle values for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The nearest-rank percentile: the smallest value with at least `p` percent of the values at or below it (p95 of
 * 50 latencies is the 48th smallest). Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Median, min and max of the values; null for no values. */
export function spreadOf(values: readonly number[]): Spread | null {
  const middle = median(values);
  if (middle === null) return null;
  return { median: middle, min: Math.min(...values), max: Math.max(...values) };
}

/** The spread of a measure that some runs may lack (null entries are left out). */
export function spreadOfPresent(values: readonly (number | null | undefined)[]): Spread | null {
  return spreadOf(values.filter((value): value is number => typeof value === 'number'));
}

/** Timed changes and their latencies' p50, p95 and max; a change never seen (null) counts in `notVisible` only. */
export function latencySummary<T extends { readonly latencyMs: number | null }>(changes: readonly T[]) {
  const latencies = changes.flatMap((change) => (change.latencyMs === null ? [] : [change.latencyMs]));
  return {
    changes,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.length === 0 ? null : Math.max(...latencies),
    notVisible: changes.length - latencies.length,
  };
}
