import {
  checkInboxOnly,
  createLambdaRuntime,
  DetectMode,
  detectorPeriodMinutes,
  granted,
  type LambdaConfig,
  type LambdaRuntime,
  LambdaVariable,
  toSqsMessage,
} from '@totes/aws-entry';
import type { InboxFile } from '@totes/contracts';
import { ServiceName, type SourceTable, sourceTableNames, sourceTables } from '@totes/model';
import {
  checkSourceSchema,
  createDeleteCheckStore,
  createInboxLedger,
  createInboxStore,
  createRunLedger,
  createSchemaDriftStore,
  createWatermarkStore,
  deadLetter,
  findPendingChanges,
  type InboxStore,
  migrateState,
  pendingRunAges,
  runLineageNamespaces,
  tryAdvisoryLock,
  withAdvisoryLock,
} from '@totes/runtime';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type pg from 'pg';
import { type LockTry, runDetectionLoop, whenLockFree } from './detection-loop';
import { inboxEventsDeadLetterUrl } from './inbox-events-dead-letter';
import { handleInboxEvents, isSqsEvent } from './inbox-events-entry';
import { runDetectionCycle } from './service';
import { SkipReason } from './types';

/** How long a requested extraction may take on AWS before the detector asks again: twice the extractor's timeout. */
export const lambdaClaimLeaseMs = 10 * 60_000;

/** What one scheduled invocation did: the Lambda's result, shown in the console and the logs. */
export interface DetectionSummary {
  /** The last cycle's run; null when another invocation held the detector's lock and no cycle ran. */
  readonly runId: string | null;
  /** Tables that published a `changes` message (a window, a delete check or an inbox file), in any cycle. */
  readonly changed: readonly string[];
  /** Tables whose detection failed in the last cycle; the next cycle asks again. */
  readonly failed: readonly string[];
  /** Cycles run: 1 in `per-minute` mode, as many as fit in the minute in `continuous` mode, 0 when locked out. */
  readonly cycles: number;
}

type CycleSummary = Omit<DetectionSummary, 'cycles'> & { readonly runId: string };

/** The advisory lock, in the state database, that keeps two detector invocations from running at once. */
export const detectorLockName = (stage: string) => `totes-detect-${stage}`;

/**
 * The change-detector's AWS entry, invoked by the EventBridge schedule every minute. In `per-minute` mode it runs
 * one detection cycle, the same one the local detector runs on its interval; in `continuous` mode it runs cycles
 * every `TOTES_DETECT_INTERVAL_MS` until just before the next invocation (the schedule's minute, or the context's
remaining time if less). Either
 * way it holds an advisory lock in the state database, so two invocations never detect at once: a `per-minute` one
 * that finds the lock held returns without a cycle; a `continuous` one waits for it while a cycle could still fit,
 * taking over from the invocation before. The state schema is created on the container's first run.
 */
export function createDetectorHandler(
  runtime: LambdaRuntime,
): (event?: unknown, context?: Context) => Promise<DetectionSummary> {
  return async (_event, context) => {
    runtime.invoked(context);
    const config = runtime.config();
    const inbox = inboxOf(runtime, config);
    const warehouse = await runtime.warehousePool();
    await migrateOnce(runtime, config);
    // An inbox-only stage (TOTES_SOURCE_LOCATION=none) lists no table, only the inbox, as the local platform does.
    const tables = config.inboxOnly ? [] : sourceTables;
    const cycle = () =>
      runtime.withFreshCredentials(() => detectOnce(runtime, config, tables, inbox && (() => inbox.list())));
    const lock = detectorLockName(config.stage);
    let outcome: LockTry<CycleSummary[]>;
    if (config.detectMode === DetectMode.continuous && context) {
      const started = Date.now();
      const period = detectorPeriodMinutes * 60_000;
      const pace = {
        intervalMs: config.detectIntervalMs,
        // The timeout (90 s) leaves the last cycle room; the next invocation comes after the schedule's period.
        remainingMs: () => Math.min(context.getRemainingTimeInMillis(), period - (Date.now() - started)),
      };
      outcome = await whenLockFree(
        () => tryAdvisoryLock(warehouse, lock, () => runDetectionLoop({ ...pace, cycle })),
        pace,
      );
    } else {
      outcome = await tryAdvisoryLock(warehouse, lock, async () => [await cycle()]);
    }
    if (!outcome.acquired) {
      runtime.logger.warn('another detector invocation holds the lock; this one runs no cycle');
      return { runId: null, changed: [], failed: [], cycles: 0 };
    }
    await reportSourceLag(runtime, warehouse, config.stateSchema);
    return summarise(outcome.value);
  };
}

/**
 * The freshness heartbeat, once per invocation that detected: every source table's lag, the age of its oldest
 * unfinished run or 0, so a table that does not change still reports, and the freshness alarm (missing data
 * breaching) is left without data only when detection stops. The loader reports each run's duration beside it.
 */
async function reportSourceLag(
  runtime: LambdaRuntime,
  warehouse: pg.Pool,
  stateSchema: string,
): Promise<void> {
  try {
    const pending = await pendingRunAges(warehouse, stateSchema);
    for (const table of sourceTableNames) runtime.metrics().sourceLag(table, pending.get(table) ?? 0);
  } catch (error) {
    // The cycles are done and announced; a heartbeat missed shows as missing data, which the alarm treats as late.
    runtime.logger.warn('could not report the source tables’ lag', { error: String(error) });
  }
}

function summarise(cycles: readonly CycleSummary[]): DetectionSummary {
  const last = cycles.at(-1);
  return {
    runId: last?.runId ?? null,
    changed: [...new Set(cycles.flatMap((cycle) => cycle.changed))],
    failed: last?.failed ?? [],
    cycles: cycles.length,
  };
}

/**
 * The inbox the detector lists, when it was given one (`TOTES_INBOX_URL`); an inbox-only stage's detector must be.
 */
function inboxOf(runtime: LambdaRuntime, config: LambdaConfig): InboxStore | undefined {
  checkInboxOnly(config);
  return config.inboxUrl === undefined
    ? undefined
    : createInboxStore(config.inboxUrl, { s3Client: runtime.aws().s3 });
}

/**
 * One detection cycle: over `tables` of the source, and the inbox's files when given (its listing, or the files
 * its event notifications name). The source pool is opened only when a table is asked.
 */
async function detectOnce(
  runtime: LambdaRuntime,
  config: LambdaConfig,
  tables: readonly SourceTable[],
  listInbox?: () => Promise<InboxFile[]>,
): Promise<CycleSummary> {
  const warehouse = await runtime.warehousePool();
  // An unreachable source fails the cycle before it starts, unless the cycle asks no table (the inbox's events).
  if (tables.length > 0) await runtime.sourcePool();
  const result = await runDetectionCycle({
    ports: {
      tables,
      findPendingChanges: async (table, after, marginFrom) =>
        findPendingChanges(await runtime.sourcePool(), table, after, marginFrom, config.lateCommitMarginMs),
      lateCommitMarginMs: config.lateCommitMarginMs,
      watermarks: createWatermarkStore(warehouse, config.stateSchema),
      now: () => new Date(),
      claimLeaseMs: lambdaClaimLeaseMs,
      drift: createSchemaDriftStore(warehouse, config.stateSchema),
      checkSchema: async (table) => checkSourceSchema(await runtime.sourcePool(), table),
      deleteChecks: createDeleteCheckStore(warehouse, config.stateSchema),
      deleteCheckIntervalMs: config.deleteCheckIntervalMs,
      ...(listInbox
        ? { inbox: { list: listInbox, ledger: createInboxLedger(warehouse, config.stateSchema) } }
        : {}),
    },
    publisher: runtime.publisher(),
    runs: createRunLedger(warehouse, config.stateSchema, sourceTableNames),
    logger: runtime.logger,
    namespaces: runLineageNamespaces({
      stage: config.stage,
      sourceUrl: granted(config.sourceLocation, 'the source location', LambdaVariable.sourceLocation),
    }),
  });
  return {
    runId: result.runId,
    changed: [
      ...new Set([...result.changes, ...result.deleteChecks, ...result.files].map((change) => change.table)),
    ],
    failed: result.skipped.filter((skip) => skip.reason === SkipReason.failed).map((skip) => skip.table),
  };
}

/**
 * The inbox's event notifications (an SQS batch from the `inbox-events` queue): the files they name are recorded
 * and claimed at once, by a cycle over no source table whose inbox is those files (the path a listing takes). A
 * record that is not an S3 event is copied to `inbox-events-dlq` with the reason (as the platform's queues
 * dead-letter), alone.
 */
export function createInboxEventsHandler(
  runtime: LambdaRuntime,
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    runtime.invoked(context);
    const config = runtime.config();
    const inbox = granted(inboxOf(runtime, config), 'the inbox', LambdaVariable.inboxUrl);
    return handleInboxEvents(event, {
      inboxUrl: inbox.describe(),
      logger: runtime.logger,
      deadLetter: async (record, error) => {
        const deadLetterUrl = await inboxEventsDeadLetterUrl(
          runtime.aws().sqs,
          config.stage,
          record.eventSourceARN,
        );
        await deadLetter(runtime.aws().sqs, { deadLetterUrl }, toSqsMessage(record), error, runtime.service);
      },
      detect: async (files: readonly InboxFile[]) => {
        await migrateOnce(runtime, config);
        const result = await runtime.withFreshCredentials(() =>
          detectOnce(runtime, config, [], async () => [...files]),
        );
        return result.runId;
      },
    });
  };
}

async function migrateOnce(runtime: LambdaRuntime, config: LambdaConfig): Promise<void> {
  const warehouse = await runtime.warehousePool();
  await runtime.once('migrate-state', () =>
    withAdvisoryLock(warehouse, `totes-migrate-${config.stage}`, () =>
      migrateState(warehouse, config.stateSchema),
    ),
  );
}

/**
 * The Lambda handler: `packages/change-detector/src/lambda.handler`. The schedule invokes it for detection cycles,
 * the `inbox-events` queue with batches of event notifications. Importing it connects to nothing.
 */
export function createHandler(runtime: LambdaRuntime) {
  const scheduled = createDetectorHandler(runtime);
  const events = createInboxEventsHandler(runtime);
  return (event?: unknown, context?: Context): Promise<DetectionSummary | SQSBatchResponse> =>
    isSqsEvent(event) ? events(event, context) : scheduled(event, context);
}

export const handler = createHandler(createLambdaRuntime({ service: ServiceName.changeDetector }));
