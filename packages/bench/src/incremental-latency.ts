import { createPool } from '@totes/runtime';
import { createRandom } from '@totes/totesys';
import { createChangeMaker } from './single-row-changes';
import { latencySummary } from './statistics';
import { readChangedRow, waitUntilVisible, witnessOf } from './warehouse-visibility';

/** One change, timed from its commit in the source to its visibility in the warehouse. */
export interface TimedChange {
  readonly table: string;
  readonly kind: string;
  readonly id: number;
  /** The warehouse table polled for it. */
  readonly model: string;
  /** Null when it did not show within the bound. */
  readonly latencyMs: number | null;
}

/** The incremental phase of one run. */
export interface IncrementalResult {
  readonly intervalMs: number;
  /** How often the warehouse was polled for each change: the resolution of the latencies. */
  readonly pollMs: number;
  readonly changes: readonly TimedChange[];
  /** Over the changes that showed. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  /** Changes that did not show within the bound. */
  readonly notVisible: number;
}

/** Options of {@link measureIncrementalLatency}. */
export interface IncrementalOptions {
  readonly sourceUrl: string;
  readonly warehouseUrl: string;
  readonly warehouseSchema: string;
  readonly changes: number;
  /** The detector's interval: each change waits a random part of it first. */
  readonly intervalMs: number;
  readonly seed: number;
  readonly changeTimeoutMs: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * With the platform detecting on its interval (in its own process), makes single-row changes one at a time, each
 * after a random pause within one interval (so commits fall anywhere in the detector's cycle), and times each from
 * the return of its COMMIT to the first poll that finds it in the warehouse.
 */
export async function measureIncrementalLatency(options: IncrementalOptions): Promise<IncrementalResult> {
  const pollMs = options.pollMs ?? 20;
  const source = createPool(options.sourceUrl, { max: 2, applicationName: 'totes-bench-changes' });
  const warehouse = createPool(options.warehouseUrl, { max: 1, applicationName: 'totes-bench-observer' });
  const writer = await source.connect();
  const pauses = createRandom(options.seed, 'bench:pauses');
  const timed: TimedChange[] = [];
  try {
    const maker = createChangeMaker(writer, options.seed);
    for (let index = 0; index < options.changes; index++) {
      options.signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, pauses.int(0, options.intervalMs - 1)));
      const change = await maker.apply(index);
      const committedAt = performance.now();
      const witness = witnessOf(change, await readChangedRow(source, change), options.warehouseSchema);
      const visibleAt = await waitUntilVisible(warehouse, witness, {
        pollMs,
        timeoutMs: options.changeTimeoutMs,
        signal: options.signal,
      });
      timed.push({
        table: change.table,
        kind: change.kind,
        id: change.id,
        model: witness.model,
        latencyMs: visibleAt === null ? null : visibleAt - committedAt,
      });
    }
  } finally {
    writer.release();
    await Promise.all([source.end(), warehouse.end()]);
  }
  return { intervalMs: options.intervalMs, pollMs, ...latencySummary(timed) };
}
