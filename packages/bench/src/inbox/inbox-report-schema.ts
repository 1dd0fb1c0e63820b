import { z } from 'zod';
import { InboxBenchFormat } from '../options';
import { BenchReportSchema, ProcessUsageSchema, StageTimingSchema, TargetSchema } from '../report-schema';

const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();
const milliseconds = z.number().nonnegative();
const bytes = z.number().int().nonnegative();
const count = z.number().int().nonnegative();
const rate = z.number().nonnegative();

/** One file the benchmark generated. */
const InboxFileSchema = z.object({
  table: z.string(),
  rows: count,
  /** As written: compressed for gzip and Parquet. */
  bytes,
  /** The same rows as plain CSV. */
  csvBytes: bytes,
});

/** One drop into the inbox, timed to the warehouse. */
const InboxDropSchema = z.object({
  name: z.string(),
  files: count,
  wallMs: milliseconds,
  dropMs: milliseconds,
  rowsExtracted: count,
  rowsLoaded: count,
  models: list(z.string()),
  stages: z.object({
    detect: StageTimingSchema,
    extract: StageTimingSchema,
    build: StageTimingSchema,
    load: StageTimingSchema,
  }),
  deferrals: count,
  deferralReasons: list(z.string()),
  retries: count,
  processes: list(ProcessUsageSchema),
});

/** The two measured tables in one format, dropped into a fresh inbox-only platform. */
const InboxCaseSchema = z.object({
  format: z.enum(InboxBenchFormat),
  files: list(InboxFileSchema),
  /** The dimensions' tables, dropped and loaded first, untimed here (the facts wait for their rows). */
  prerequisites: InboxDropSchema,
  drop: InboxDropSchema,
  rows: count,
  /** MB/s (MiB) of the files as dropped, and of the same rows as plain CSV. */
  mbPerSecond: rate,
  csvMbPerSecond: rate,
  rowsPerSecond: rate,
  ratioToFloor: z.number().nonnegative(),
  /** Each service's peak RSS over the drop, MiB. */
  serviceRssMiB: z.record(z.string(), z.number().nonnegative()),
});

/** The `inbox` section: what `pnpm bench --inbox` measured. */
export const InboxSectionSchema = z.object({
  /** The size asked for (`--inbox-mb`), the scale that gives it, and the CSV bytes it gave. */
  targetMb: z.number().positive(),
  scale: z.number().positive(),
  csvBytes: bytes,
  generateMs: milliseconds,
  floor: z.object({
    ms: milliseconds,
    rows: count,
    bytes,
    rowsPerSecond: rate,
    mbPerSecond: rate,
    perTable: list(z.object({ table: z.string(), rows: count, ms: milliseconds })),
  }),
  cases: list(InboxCaseSchema),
  smallFiles: z
    .object({
      rowsPerFile: count,
      prerequisites: InboxDropSchema,
      drop: InboxDropSchema,
      filesPerSecond: rate,
      rowsPerSecond: rate,
      serviceRssMiB: z.record(z.string(), z.number().nonnegative()),
    })
    .nullable(),
  targets: list(TargetSchema),
});

/** The JSON report of `pnpm bench --inbox`: the full load's report header, and its own section. */
export const InboxBenchReportSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('inbox'),
  command: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: milliseconds,
  options: z.object({
    inboxMb: z.number().positive(),
    formats: list(z.enum(InboxBenchFormat)),
    smallFiles: count,
    /** Table-extractor processes; reports before it ran one. */
    extractors: z.number().int().positive().optional(),
    seed: z.number().int(),
    serviceHeapMb: z.number().int().positive().nullable(),
    fleet: BenchReportSchema.shape.options.shape.fleet.unwrap(),
    loadParallelism: z.number().int().positive(),
  }),
  machine: BenchReportSchema.shape.machine,
  loadAverage: BenchReportSchema.shape.loadAverage,
  git: BenchReportSchema.shape.git,
  postgres: BenchReportSchema.shape.postgres,
  platform: BenchReportSchema.shape.platform,
  inbox: InboxSectionSchema,
});

/** The JSON report of `pnpm bench --inbox`. */
export type InboxBenchReport = z.infer<typeof InboxBenchReportSchema>;
/** Its `inbox` section. */
export type InboxSection = z.infer<typeof InboxSectionSchema>;
