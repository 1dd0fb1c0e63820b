import type { TopicName } from '@totes/model';

/**
 * The environment a Lambda entry reads: the contract between the infrastructure (`infra/services.ts`, which sets
 * these) and the Lambda bootstrap (`createLambdaRuntime`, which reads them). Only names, ARNs and URLs travel in
 * env; credentials never do: a function is given the ARN of a Secrets Manager secret and reads the secret itself.
 *
 * This module imports nothing heavy, so `sst.config.ts` can share it.
 */
export const LambdaVariable = {
  /** The app stage; the same variable the local stack reads. */
  stage: 'TOTES_STAGE',
  /** The warehouse schema of the star schemas; one per stage. */
  warehouseSchema: 'TOTES_WAREHOUSE_SCHEMA',
  /** The warehouse schema of the platform's state (watermarks, run and load ledgers); one per stage. */
  stateSchema: 'TOTES_STATE_SCHEMA',
  /** How far below a watermark a row committed late is still caught. */
  lateCommitMarginMs: 'TOTES_LATE_COMMIT_MARGIN_MS',
  /** How often the detector reconciles each table's keys with the lake to find deleted rows; 0 turns it off. */
  deleteCheckIntervalMs: 'TOTES_DELETE_CHECK_INTERVAL_MS',
  /** How the scheduled detector runs: `per-minute` (one cycle per invocation) or `continuous` (see {@link DetectMode}). */
  detectMode: 'TOTES_DETECT_MODE',
  /** In `continuous` mode, how often a cycle starts within one invocation; the local detector's variable too. */
  detectIntervalMs: 'TOTES_DETECT_INTERVAL_MS',
  /** How many transactions the loader runs at once to load one large dataset; set for the loader only. */
  loadParallelism: 'TOTES_LOAD_PARALLELISM',
  /** `s3://bucket/prefix` of the raw zone; set only for the functions that read or write it. */
  rawLakeUrl: 'TOTES_RAW_LAKE_URL',
  /** `s3://bucket/prefix` of the processed zone; set only for the functions that read or write it. */
  processedLakeUrl: 'TOTES_PROCESSED_LAKE_URL',
  /**
   * `s3://bucket/prefix` of the inbox, the local stack's variable too; set only for the detector (which lists it and
   * hears its event notifications) and the extractor (which reads its files).
   */
  inboxUrl: 'TOTES_INBOX_URL',
  /**
   * Per-table overrides of the model's inbox policies (`sales_order=skip:1%,payment=fail`), the local stack's
   * variable too; set only for the extractor, which applies them.
   */
  inboxPolicies: 'TOTES_INBOX_POLICY',
  /**
   * Where the source lives, without credentials (`postgres://host:port/database`): names the source in the
   * OpenLineage events of functions that are not given the source secret. `none` on an inbox-only stage, which has
   * no source database: the functions then open none, and the detector lists only the inbox.
   */
  sourceLocation: 'TOTES_SOURCE_LOCATION',
  /** The ARN of the secret holding the read-only source credentials. */
  sourceSecretArn: 'TOTES_SOURCE_SECRET_ARN',
  /** The ARN of the secret holding the warehouse credentials (the warehouse also holds the platform's state). */
  warehouseSecretArn: 'TOTES_WAREHOUSE_SECRET_ARN',
} as const;
export type LambdaVariable = (typeof LambdaVariable)[keyof typeof LambdaVariable];

/** The limits of a function's V8 heap, in MiB. */
export interface HeapLimits {
  /** `--max-old-space-size`. */
  readonly oldSpaceMiB: number;
  /** `--max-semi-space-size`: each of the young generation's semi-spaces. */
  readonly semiSpaceMiB: number;
}

/**
 * The heap every function runs with, set as its `NODE_OPTIONS` by the infrastructure whatever its memory size, so
 * that a function's resident memory stays near what it holds rather than what V8 would let grow on a large
 * function: an old space of 128 MiB (the services' heaps in use peak at 30–70 MiB at scale 100) and semi-spaces of
 * 4 MiB, not the 16 MiB V8 gives a process of this old space, whose young garbage alone would take up to 48 MiB.
 * `pnpm bench` runs its service processes with the same flags: its memory figures are the deployed ones.
 */
export const lambdaHeap: HeapLimits = { oldSpaceMiB: 128, semiSpaceMiB: 4 };

/** Heap limits as node flags, as `NODE_OPTIONS` takes them. */
export function heapFlags(limits: HeapLimits = lambdaHeap): string[] {
  return [`--max-old-space-size=${limits.oldSpaceMiB}`, `--max-semi-space-size=${limits.semiSpaceMiB}`];
}

/**
 * How the scheduled detector Lambda runs. `per-minute`: one detection cycle per invocation, so a change is seen
 * within a minute. `continuous`: each invocation runs cycles every `TOTES_DETECT_INTERVAL_MS` until just before
 * the next minute's invocation, so a change is seen within about that interval.
 */
export const DetectMode = { perMinute: 'per-minute', continuous: 'continuous' } as const;
export type DetectMode = (typeof DetectMode)[keyof typeof DetectMode];

/** How often the schedule invokes the detector on AWS (`infra/schedule.ts`): a continuous one stops within it. */
export const detectorPeriodMinutes = 1;

/** The variable that carries the ARN of a topic a function publishes to: `TOTES_TOPIC_LOAD_COMPLETE_ARN`. */
export function topicVariable(topic: TopicName): string {
  return `TOTES_TOPIC_${topic.toUpperCase().replaceAll('-', '_')}_ARN`;
}
