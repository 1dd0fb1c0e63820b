import {
  createLambdaRuntime,
  DetectMode,
  detectorPeriodMinutes,
  granted,
  type LambdaConfig,
  type LambdaRuntime,
  LambdaVariable,
} from '@totes/aws-entry';
import { ServiceName, sourceTableNames, sourceTables } from '@totes/model';
import {
  checkSourceSchema,
  createDeleteCheckStore,
  createRunLedger,
  createSchemaDriftStore,
  createWatermarkStore,
  findPendingChanges,
  migrateState,
  pendingRunAges,
  runLineageNamespaces,
  tryAdvisoryLock,
  withAdvisoryLock,
} from '@totes/runtime';
import type { Context } from 'aws-lambda';
import type pg from 'pg';
import { type LockTry, runDetectionLoop, whenLockFree } from './detection-loop';
import { runDetectionCycle } from './service';
import { SkipReason } from './types';

/** How long a requested extraction may take on AWS before the detector asks again: twice the extractor's timeout. */
export const lambdaClaimLeaseMs = 10 * 60_000;

/** What one scheduled invocation did: the Lambda's result, shown in the console and the logs. */
export interface DetectionSummary {
  /** The last cycle's run; null when another invocation held the detector's lock and no cycle ran. */
  readonly runId: string | null;
  /** Tables that published a `changes` message, in any cycle. */
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
    const warehouse = await runtime.warehousePool();
    await runtime.once('migrate-state', () =>
      withAdvisoryLock(warehouse, `totes-migrate-${config.stage}`, () =>
        migrateState(warehouse, config.stateSchema),
      ),
    );
    const cycle = () => runtime.withFreshCredentials(() => detectOnce(runtime, config));
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

async function detectOnce(runtime: LambdaRuntime, config: LambdaConfig): Promise<CycleSummary> {
  const [warehouse, source] = await Promise.all([runtime.warehousePool(), runtime.sourcePool()]);
  const result = await runDetectionCycle({
    ports: {
      tables: sourceTables,
      findPendingChanges: (table, after, marginFrom) =>
        findPendingChanges(source, table, after, marginFrom, config.lateCommitMarginMs),
      lateCommitMarginMs: config.lateCommitMarginMs,
      watermarks: createWatermarkStore(warehouse, config.stateSchema),
      now: () => new Date(),
      claimLeaseMs: lambdaClaimLeaseMs,
      drift: createSchemaDriftStore(warehouse, config.stateSchema),
      checkSchema: (table) => checkSourceSchema(source, table),
      deleteChecks: createDeleteCheckStore(warehouse, config.stateSchema),
      deleteCheckIntervalMs: config.deleteCheckIntervalMs,
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
    changed: [...result.changes, ...result.deleteChecks].map((change) => change.table),
    failed: result.skipped.filter((skip) => skip.reason === SkipReason.failed).map((skip) => skip.table),
  };
}

/** The Lambda handler: `packages/change-detector/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createDetectorHandler(createLambdaRuntime({ service: ServiceName.changeDetector }));
