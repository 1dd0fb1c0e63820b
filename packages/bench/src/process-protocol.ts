import type { FullLoadResult } from './full-load';
import type { MemoryPeaks } from './memory-sampler';

/** What the benchmark asks of the platform process, passed in its environment as JSON. */
export interface PlatformProcessRequest {
  readonly sourceUrl: string;
  readonly warehouseUrl: string;
  readonly lakeDir: string;
  /** The Postgres data folder, to read the server's CPU time around the load. */
  readonly postgresDataDir: string;
  readonly repoRoot: string;
  /** Where to write the raw CPU profile of the full load; null takes none. */
  readonly profilePath: string | null;
  /** After the full load, run the detector on this interval until told to stop; null stops at once. */
  readonly detectIntervalMs: number | null;
  readonly timeoutMs: number;
}

/** The environment variable that carries the {@link PlatformProcessRequest}. */
export const requestVariable = 'TOTES_BENCH_REQUEST';

/** Messages from the platform process to the benchmark. */
export type PlatformProcessReport =
  | { readonly type: 'fullLoad'; readonly result: FullLoadResult }
  | { readonly type: 'detecting' }
  | {
      readonly type: 'stopped';
      readonly memory: MemoryPeaks;
      /** How long each detection cycle took while detecting on the interval. */
      readonly detectCycle: DetectCycleTimes;
      readonly errors: readonly string[];
    }
  | { readonly type: 'failed'; readonly message: string; readonly errors: readonly string[] };

/** The detection cycles run on the interval: their number and how long they took (ms). */
export interface DetectCycleTimes {
  readonly cycles: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

/** Messages from the benchmark to the platform process. */
export type PlatformProcessCommand = { readonly type: 'stop' };
