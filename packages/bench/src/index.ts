export type { BenchPostgres } from './bench-postgres';
export { startBenchPostgres } from './bench-postgres';
export type { FloorResult } from './copy-floor';
export { measureCopyFloor } from './copy-floor';
export type { CpuProfiler, ProfiledFunction, ProfiledOwner, ProfileSummary } from './cpu-profile';
export { startCpuProfiler, summariseCpuProfile } from './cpu-profile';
export type { PeerResult } from './elt-peer';
export { defaultPeerSchemas, measureEltPeer } from './elt-peer';
export { BenchError, BenchErrorCode } from './errors';
export type { FullLoadResult } from './full-load';
export type { ExportedFile } from './inbox/csv-export';
export { csvChunks, csvValue, exportCsv } from './inbox/csv-export';
export type { InboxDrop, InboxDropResult } from './inbox/inbox-drop';
export { measuredTables, prerequisiteTables } from './inbox/inbox-files';
export type { InboxFloorResult } from './inbox/inbox-floor';
export { measureInboxFloor } from './inbox/inbox-floor';
export type { InboxBenchReport, InboxSection } from './inbox/inbox-report-schema';
export { InboxBenchReportSchema, InboxSectionSchema } from './inbox/inbox-report-schema';
export { evaluateInboxTargets, inboxFloorRatioTarget, inboxPeakRssTargetBytes } from './inbox/inbox-targets';
export { renderInboxMarkdown } from './inbox/render-inbox-markdown';
export { runInboxBench } from './inbox/run-inbox-bench';
export type { IncrementalOptions, IncrementalResult, TimedChange } from './incremental-latency';
export { measureIncrementalLatency } from './incremental-latency';
export type { ZoneSize } from './lake-size';
export { lakeZoneSizes } from './lake-size';
export type { LoadAverage, Machine } from './machine';
export { describeMachine, gitState, loadAverage } from './machine';
export type { MemoryPeaks, MemorySampler } from './memory-sampler';
export { startMemorySampler } from './memory-sampler';
export type { BenchOptions, InboxBenchOptions } from './options';
export {
  benchUsage,
  defaultBenchOptions,
  defaultInboxBenchOptions,
  Fleet,
  InboxBenchFormat,
  parseBenchArgs,
} from './options';
export { renderReportMarkdown } from './render-markdown';
export type { BenchReport, BenchRun, Target } from './report-schema';
export { BenchReportSchema, BenchRunSchema } from './report-schema';
export type { BenchContext } from './run-bench';
export { runBench } from './run-bench';
export type { ServiceBundle } from './service-bundle';
export { bundleServiceProcess, lambdaExternal } from './service-bundle';
export type { AppliedChange, ChangeMaker } from './single-row-changes';
export { changeRotation, createChangeMaker } from './single-row-changes';
export type { SeededSource } from './source-database';
export { seedSource, sourceSizeOnDisk } from './source-database';
export type { HandledMessage, LogRecorder, StageTiming } from './stage-timings';
export { createLogRecorder, Stage, stageTimings } from './stage-timings';
export type { Spread } from './statistics';
export { median, percentile, spreadOf } from './statistics';
export type { FleetRuns } from './summarise-runs';
export {
  evaluateTargets,
  floorRatioTarget,
  incrementalP95TargetMs,
  peakRssTargetBytes,
  peakRssTargetScale,
  peerRatioTarget,
  summariseRuns,
} from './summarise-runs';
export type { Witness } from './warehouse-visibility';
export { witnessOf } from './warehouse-visibility';
export { readInboxReport, readReport, reportFileName, writeReport } from './write-report';
