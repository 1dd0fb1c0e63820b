import { createLambdaRuntime, granted, type LambdaRuntime, LambdaVariable } from '@totes/aws-entry';
import { ServiceName, sourceTableNames, sourceTables } from '@totes/model';
import {
  checkSourceSchema,
  createDeleteCheckStore,
  createRunLedger,
  createSchemaDriftStore,
  createWatermarkStore,
  findPendingChanges,
  migrateState,
  runLineageNamespaces,
  withAdvisoryLock,
} from '@totes/runtime';
import { runDetectionCycle } from './service';
import { SkipReason } from './types';

/** How long a requested extraction may take on AWS before the detector asks again: twice the extractor's timeout. */
export const lambdaClaimLeaseMs = 10 * 60_000;

/** What one scheduled invocation did: the Lambda's result, shown in the console and the logs. */
export interface DetectionSummary {
  readonly runId: string;
  /** Tables that published a `changes` message. */
  readonly changed: readonly string[];
  /** Tables whose detection failed this cycle; the next cycle asks again. */
  readonly failed: readonly string[];
}

/**
 * The change-detector's AWS entry, invoked by the EventBridge schedule: one detection cycle, the same one the local
 * detector runs on its interval. The platform's state schema is created on the container's first run, under an
 * advisory lock.
 */
export function createDetectorHandler(
  runtime: LambdaRuntime,
): (event?: unknown) => Promise<DetectionSummary> {
  return async () => {
    const config = runtime.config();
    const warehouse = await runtime.warehousePool();
    await runtime.once('migrate-state', () =>
      withAdvisoryLock(warehouse, `totes-migrate-${config.stage}`, () =>
        migrateState(warehouse, config.stateSchema),
      ),
    );
    const source = await runtime.sourcePool();
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
  };
}

/** The Lambda handler: `packages/change-detector/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createDetectorHandler(createLambdaRuntime({ service: ServiceName.changeDetector }));
