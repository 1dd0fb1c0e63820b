import { z } from 'zod';
import { Fleet } from './options';

/** A readonly array, as the measuring code hands its lists over. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

const milliseconds = z.number().nonnegative();
const bytes = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/** Median, min and max of a measure over the runs. */
export const SpreadSchema = z.object({ median: z.number(), min: z.number(), max: z.number() });

export const StageTimingSchema = z.object({
  messages: count,
  busyMs: milliseconds,
  spanMs: milliseconds,
  startOffsetMs: z.number(),
  endOffsetMs: z.number(),
});

const MemoryPeaksSchema = z.object({
  peakRssBytes: bytes,
  maxRssBytes: bytes,
  peakHeapUsedBytes: bytes,
  peakExternalBytes: bytes,
  startRssBytes: bytes,
  samples: count,
});

/** One process over a measured stretch: a service process, or the local stack (fauxqs). */
export const ProcessUsageSchema = z.object({
  name: z.string(),
  memory: MemoryPeaksSchema,
  idleRssBytes: bytes,
  cpuMs: milliseconds,
});

const ProfiledFunctionSchema = z.object({
  location: z.string(),
  file: z.string(),
  functionName: z.string(),
  line: z.number().int(),
  ms: milliseconds,
  busyPercent: z.number().nonnegative(),
});

/** The summary of a CPU profile of a full load. */
export const ProfileSummarySchema = z.object({
  samplingIntervalUs: z.number().nonnegative(),
  durationMs: milliseconds,
  idleMs: milliseconds,
  busyMs: milliseconds,
  garbageCollectionMs: milliseconds,
  topSelf: list(ProfiledFunctionSchema),
  topInclusive: list(ProfiledFunctionSchema),
  byOwner: list(z.object({ owner: z.string(), selfMs: milliseconds, busyPercent: z.number().nonnegative() })),
});

const FullLoadSchema = z.object({
  runId: z.string(),
  wallMs: milliseconds,
  rowsExtracted: count,
  rowsLoaded: count,
  rowsPerSecond: z.number().nonnegative(),
  tables: count,
  models: count,
  loads: count,
  deferrals: count,
  deferralReasons: list(z.string()),
  retries: count,
  stages: z.object({
    detect: StageTimingSchema,
    extract: StageTimingSchema,
    build: StageTimingSchema,
    load: StageTimingSchema,
  }),
  extractPerTable: list(z.object({ table: z.string(), rows: count, ms: milliseconds })),
  buildPerModel: list(z.object({ model: z.string(), messages: count, ms: milliseconds })),
  loadPerModel: list(z.object({ model: z.string(), rows: count, ms: milliseconds })),
  cpu: z.object({ platformMs: milliseconds, postgresMs: milliseconds.nullable() }),
  /** The service process whose resident set peaked highest. */
  memory: MemoryPeaksSchema,
  idleRssBytes: bytes,
  /** Each process (reports from before one process per service have none). */
  processes: list(ProcessUsageSchema).optional(),
  profile: ProfileSummarySchema.nullable(),
});

const FloorSchema = z.object({
  ms: milliseconds,
  ddlMs: milliseconds,
  rows: count,
  rowsPerSecond: z.number().nonnegative(),
  perTable: list(z.object({ table: z.string(), rows: count, ms: milliseconds })),
});

/** The ELT peer: the source copied into a staging schema, then the warehouse rebuilt there in SQL (elt-peer.ts). */
const PeerSchema = z.object({
  ms: milliseconds,
  ddlMs: milliseconds,
  copyMs: milliseconds,
  buildMs: milliseconds,
  rows: count,
  perModel: list(z.object({ model: z.string(), rows: count, ms: milliseconds })),
});

const IncrementalSchema = z.object({
  intervalMs: z.number().int().positive(),
  pollMs: z.number().int().positive(),
  changes: list(
    z.object({
      table: z.string(),
      kind: z.string(),
      id: z.number().int(),
      model: z.string(),
      latencyMs: milliseconds.nullable(),
    }),
  ),
  p50Ms: milliseconds.nullable(),
  p95Ms: milliseconds.nullable(),
  maxMs: milliseconds.nullable(),
  notVisible: count,
  /** The service process whose resident set peaked highest while detecting on the interval and loading. */
  memory: MemoryPeaksSchema,
  processes: list(ProcessUsageSchema).optional(),
  /** How long the detection cycles took meanwhile (the detector waits the interval after each one). */
  detectCycle: z.object({
    cycles: count,
    p50Ms: milliseconds.nullable(),
    p95Ms: milliseconds.nullable(),
    maxMs: milliseconds.nullable(),
  }),
});

/** p50, p95 and max of a measure's times over its requests that answered 2xx. */
const TimeSummarySchema = z.object({
  requests: count,
  failed: count,
  p50Ms: milliseconds.nullable(),
  p95Ms: milliseconds.nullable(),
  maxMs: milliseconds.nullable(),
});

/** The dashboard phase (dashboard-phase.ts): server times of its pages and queries, and commit to screen. */
const DashboardSchema = z.object({
  requests: z.number().int().positive(),
  /** Each page with one set of controls (its query string): cold (first request after an invalidation), warm. */
  pages: list(
    z.object({ page: z.string(), query: z.string(), cold: TimeSummarySchema, warm: TimeSummarySchema }),
  ),
  /** Each named query with the default controls, uncached. */
  queries: list(z.object({ name: z.string(), rows: count, uncached: TimeSummarySchema })),
  /** Source commits timed to an open page in Chromium; null when not measured (`note` says why). */
  commitToScreen: z
    .object({
      intervalMs: z.number().int().positive(),
      pollMs: z.number().int().positive(),
      changes: list(z.object({ kind: z.string(), latencyMs: milliseconds.nullable() })),
      p50Ms: milliseconds.nullable(),
      p95Ms: milliseconds.nullable(),
      maxMs: milliseconds.nullable(),
      notVisible: count,
    })
    .nullable(),
  note: z.string(),
});

const ZoneSizeSchema = z.object({ bytes, files: count });
const LoadAverageSchema = z.tuple([z.number(), z.number(), z.number()]).readonly();

/** One run: its floor, its full load, its incremental phase and what the load left behind. */
export const BenchRunSchema = z.object({
  run: z.number().int().positive(),
  loadAverageAtStart: LoadAverageSchema,
  floor: FloorSchema,
  fullLoad: FullLoadSchema,
  /** fullLoad.wallMs / floor.ms. */
  ratioToFloor: z.number().nonnegative(),
  /** The ELT peer on the same server and data (absent in reports from before it was measured). */
  peer: PeerSchema.optional(),
  /** fullLoad.wallMs / peer.ms. */
  ratioToPeer: z.number().nonnegative().optional(),
  incremental: IncrementalSchema.nullable(),
  /** The dashboard phase; null with --no-dashboard, absent in reports from before it was measured. */
  dashboard: DashboardSchema.nullable().optional(),
  /** Why the dashboard phase failed, when it did: the run's other measures are kept. */
  dashboardError: z.string().optional(),
  lake: z.object({ raw: ZoneSizeSchema, processed: ZoneSizeSchema }),
  warehouseBytes: bytes,
});

/** Each service's highest peak RSS over the full loads, in MiB, by service name. */
const ServiceRssSchema = z.record(z.string(), z.number().nonnegative());

/** A target of the benchmark issue, and whether this report shows it met. */
export const TargetSchema = z.object({
  name: z.string(),
  target: z.string(),
  measured: z.string(),
  /** 'met', 'not met', or 'not shown' when this run cannot tell (e.g. not at the target's scale). */
  verdict: z.enum(['met', 'not met', 'not shown']),
  note: z.string(),
});

/** The JSON report of one `pnpm bench` invocation. */
export const BenchReportSchema = z.object({
  schemaVersion: z.literal(1),
  command: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: milliseconds,
  options: z.object({
    scale: z.number().positive(),
    runs: z.number().int().positive(),
    changes: count,
    intervalMs: z.number().int().positive(),
    seed: z.number().int(),
    profile: z.boolean(),
    /** `--max-old-space-size` of each service process; null (or absent, in older reports) for V8's default. */
    serviceHeapMb: z.number().int().positive().nullable().optional(),
    /** How the services ran (absent in older reports, whose services all ran under tsx). */
    fleet: z.enum(Fleet).optional(),
    /** The loader's transactions per large dataset (absent in older reports, which all loaded with 2). */
    loadParallelism: z.number().int().positive().optional(),
    /** The dashboard phase and its sizes (absent in reports from before it was measured). */
    dashboard: z.boolean().optional(),
    dashboardRequests: z.number().int().positive().optional(),
    dashboardChanges: count.optional(),
  }),
  machine: z.object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    memoryBytes: bytes,
    node: z.string(),
  }),
  loadAverage: z.object({ atStart: LoadAverageSchema, atEnd: LoadAverageSchema }),
  git: z.object({ commit: z.string(), dirty: z.boolean() }).nullable(),
  postgres: z.object({
    version: z.string(),
    mode: z.literal('fast'),
    settings: z.record(z.string(), z.string()),
  }),
  platform: z.object({
    /** How the services ran: in which processes, and where fauxqs ran. */
    process: z.string(),
    lateCommitMarginMs: z.number().int().nonnegative(),
    /** The service process bundled with esbuild as the Lambdas are; null when every service ran under tsx. */
    serviceBundle: z
      .object({ bytes, buildMs: milliseconds, external: list(z.string()) })
      .nullable()
      .optional(),
  }),
  source: z.object({
    seedMs: milliseconds,
    rows: z.record(z.string(), count),
    totalRows: count,
    bytesOnDisk: bytes,
    bytesPerTable: z.record(z.string(), bytes),
  }),
  runs: z.array(BenchRunSchema).min(1).readonly(),
  summary: z.object({
    floorMs: SpreadSchema,
    fullLoadMs: SpreadSchema,
    ratioToFloor: SpreadSchema,
    /** The ELT peer's time and the full load's ratio to it (absent in reports from before it was measured). */
    peerMs: SpreadSchema.optional(),
    ratioToPeer: SpreadSchema.optional(),
    rowsPerSecond: SpreadSchema,
    floorRowsPerSecond: SpreadSchema,
    peakRssBytes: SpreadSchema,
    incrementalP50Ms: SpreadSchema.nullable(),
    incrementalP95Ms: SpreadSchema.nullable(),
    incrementalMaxMs: SpreadSchema.nullable(),
    incrementalPeakRssBytes: SpreadSchema.nullable(),
    lakeRawBytes: SpreadSchema,
    lakeProcessedBytes: SpreadSchema,
    /**
     * Each service's highest peak RSS over the full loads (MiB): bundled as deployed (the timed runs), and under
     * tsx (the extra, untimed load of `--fleet both`, or the runs of `--fleet tsx`); null where none ran so.
     */
    serviceRssMiB: z
      .object({ bundled: ServiceRssSchema.nullable(), tsx: ServiceRssSchema.nullable() })
      .optional(),
  }),
  targets: list(TargetSchema),
  /** With `--fleet both`: one more full load with the services under tsx, untimed, for their memory only. */
  tsxFullLoad: z
    .object({ wallMs: milliseconds, processes: list(ProcessUsageSchema) })
    .nullable()
    .optional(),
  /** An extra, untimed full load under the CPU profiler. */
  profile: z
    .object({ wallMs: milliseconds, rawProfilePath: z.string().nullable(), summary: ProfileSummarySchema })
    .nullable(),
});

/** The JSON report of one `pnpm bench` invocation. */
export type BenchReport = z.infer<typeof BenchReportSchema>;
/** One run of a {@link BenchReport}. */
export type BenchRun = z.infer<typeof BenchRunSchema>;
/** One target of a {@link BenchReport}. */
export type Target = z.infer<typeof TargetSchema>;
