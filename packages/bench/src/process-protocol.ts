import type { Platform } from '@totes/cli';
import type { ModelBuilt, ModelLoaded, RunCompleted, TableExtracted } from '@totes/contracts';
import type { ServiceName } from '@totes/model';
import type { ProfileSummary } from './cpu-profile';
import type { FullLoadResult } from './full-load';
import type { InboxDrop, InboxDropResult } from './inbox/inbox-drop';
import type { MemoryPeaks } from './memory-sampler';
import type { ProcessUsage, ServiceLayout } from './service-fleet';

/** What one detection cycle found. */
export type DetectionResult = Awaited<ReturnType<Platform['detectOnce']>>;

/** What the benchmark asks of the platform process, passed in its environment as JSON. */
export interface PlatformProcessRequest {
  /** The source database, or `none` for an inbox-only platform. */
  readonly sourceUrl: string;
  /** The platform's inbox folder: empty, of its own, so files dropped for the local platform are not its input. */
  readonly inboxDir: string;
  /**
   * Files to drop into the inbox, drop after drop, each timed to the warehouse (`pnpm bench --inbox`), in place of
   * the full load; null runs the full load.
   */
  readonly inboxDrops?: readonly InboxDrop[] | null;
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
  /** One process per service, or all five in one (for the profiled load). */
  readonly layout: ServiceLayout;
  /** Table-extractor processes in the layout of one process per service (as Lambda runs several); 1 by default. */
  readonly extractors?: number;
  /** `--max-old-space-size` of each service process; null for V8's default. */
  readonly serviceHeapMb: number | null;
  /** The bundled service process (service-bundle.ts) to run with plain node; null runs the TypeScript under tsx. */
  readonly serviceBundle: string | null;
  /** The loader's transactions per large dataset (`TOTES_LOAD_PARALLELISM`). */
  readonly loadParallelism: number;
}

/**
 * The environment variable that carries the {@link PlatformProcessRequest}: its JSON, or `@` and the path of a file
 * that holds it (one variable may hold 128 KiB, and 10 000 small files' names are more).
 */
export const requestVariable = 'TOTES_BENCH_REQUEST';

/** Messages from the platform process to the benchmark. */
export type PlatformProcessReport =
  | { readonly type: 'fullLoad'; readonly result: FullLoadResult }
  | { readonly type: 'inboxDrops'; readonly results: readonly InboxDropResult[] }
  /** Detecting on the interval; `awsEndpoint` is the process' fauxqs, where the dashboard phase subscribes. */
  | { readonly type: 'detecting'; readonly awsEndpoint: string }
  | {
      readonly type: 'stopped';
      /** The service process whose resident set peaked highest. */
      readonly memory: MemoryPeaks;
      /** Every process over the phase. */
      readonly processes: readonly ProcessUsage[];
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

/** What the platform process asks of one service process, passed in its environment as JSON. */
export interface ServiceProcessRequest {
  /** The services this process runs: one, or all five for the profiled load. */
  readonly services: readonly ServiceName[];
  readonly sourceUrl: string;
  readonly inboxDir: string;
  readonly warehouseUrl: string;
  readonly lakeDir: string;
  /** The platform process' fauxqs. */
  readonly awsEndpoint: string;
  /** The loader's transactions per large dataset (`TOTES_LOAD_PARALLELISM`). */
  readonly loadParallelism: number;
}

/** The environment variable that carries the {@link ServiceProcessRequest}. */
export const serviceRequestVariable = 'TOTES_BENCH_SERVICE_REQUEST';

/** What a service process used: its memory peaks since the last reset, and its CPU time since it started. */
export interface ServiceUsage {
  readonly memory: MemoryPeaks;
  /** The resident set now. */
  readonly rssBytes: number;
  /** User + system CPU time since the process started. */
  readonly cpuMs: number;
}

/** Commands from the platform process to a service process; each is answered by a `reply` with its id. */
export type ServiceCommand =
  | { readonly id: number; readonly type: 'detectOnce' }
  | { readonly id: number; readonly type: 'startDetector'; readonly intervalMs: number }
  | { readonly id: number; readonly type: 'stopDetector' }
  /** Answers a {@link ServiceUsage}; `reset` starts the memory peaks over afterwards. */
  | { readonly id: number; readonly type: 'usage'; readonly reset: boolean }
  | { readonly id: number; readonly type: 'startProfile' }
  /** Answers the {@link ProfileSummary}, writing the raw profile to `rawProfilePath` when given. */
  | {
      readonly id: number;
      readonly type: 'stopProfile';
      readonly rawProfilePath: string | null;
      readonly repoRoot: string;
    }
  /** Drains nothing: stops the services (messages in hand finish) and exits. */
  | { readonly id: number; readonly type: 'stop' };

/** An event of the services, forwarded to the platform process as it happens. */
export type ServiceEvent =
  | { readonly kind: 'detected'; readonly value: DetectionResult }
  | { readonly kind: 'extracted'; readonly value: TableExtracted }
  | { readonly kind: 'built'; readonly value: ModelBuilt }
  | { readonly kind: 'loaded'; readonly value: ModelLoaded }
  | { readonly kind: 'runCompleted'; readonly value: RunCompleted };

/** Messages from a service process to the platform process. */
export type ServiceReport =
  /** `tsx`: whether tsx's loader is in the process, so the fleet can tell a bundled process really runs without it. */
  | { readonly type: 'ready'; readonly tsx: boolean }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'replyFailed'; readonly id: number; readonly message: string }
  | { readonly type: 'event'; readonly event: ServiceEvent }
  /** The services' JSON log lines (debug level), for the stage timings. */
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'failed'; readonly message: string };

/** The answer to each {@link ServiceCommand}. */
export interface ServiceReplies {
  readonly detectOnce: DetectionResult;
  readonly startDetector: null;
  readonly stopDetector: null;
  readonly usage: ServiceUsage;
  readonly startProfile: null;
  readonly stopProfile: ProfileSummary;
  readonly stop: null;
}
