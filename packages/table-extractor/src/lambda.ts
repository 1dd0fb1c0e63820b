import { createLambdaRuntime, createSqsHandler, type LambdaRuntime, type SqsHandler } from '@totes/aws-entry';
import { MessageType } from '@totes/contracts';
import { ServiceName, sourceTableNames, TopicName } from '@totes/model';
import {
  checkSourceSchema,
  createRunLedger,
  createSchemaDriftStore,
  createWatermarkStore,
  readChangeWindow,
  readSourceKeys,
  runCompletedMessage,
} from '@totes/runtime';
import { handleChange } from './handle-change';
import { logExtractionOutcome } from './log-outcome';
import type { ExtractorPorts } from './types';

/**
 * The table-extractor's AWS entry: `changes` records in, raw Parquet in the raw zone, `extracted` out, through the
 * same core (`extractTable`) as the local poller. The watermarks and the run ledger live in the warehouse's state
 * schema, so this function reads the warehouse secret as well as the source secret.
 */
export function createExtractorHandler(runtime: LambdaRuntime): SqsHandler {
  return createSqsHandler(runtime, {
    accepts: [MessageType.tableChanged],
    async handle(message, { logger }) {
      logExtractionOutcome(await handleChange(message, await portsOf(runtime)), logger);
    },
  });
}

async function portsOf(runtime: LambdaRuntime): Promise<ExtractorPorts> {
  const config = runtime.config();
  const [source, warehouse, namespaces] = await Promise.all([
    runtime.sourcePool(),
    runtime.warehousePool(),
    runtime.namespaces(),
  ]);
  const publisher = runtime.publisher();
  const runs = createRunLedger(warehouse, config.stateSchema, sourceTableNames);
  return {
    checkSchema: (table) => checkSourceSchema(source, table),
    readWindow: (table, window, horizon) => readChangeWindow(source, table, window, undefined, horizon),
    writeColumns: runtime.lake().writeColumns,
    writeDataset: runtime.lake().writeDataset,
    listRaw: (prefix) => runtime.lake().list(prefix),
    readDataset: runtime.lake().readDataset,
    sourceKeys: (table, from, to) => readSourceKeys(source, table, from, to),
    publish: (extracted) => publisher.publish(TopicName.extracted, extracted),
    watermarks: createWatermarkStore(warehouse, config.stateSchema),
    runs,
    drift: createSchemaDriftStore(warehouse, config.stateSchema),
    lateCommitMarginMs: config.lateCommitMarginMs,
    completeRun: async (cause) => {
      await runs.completeRun(cause.runId, (run) =>
        publisher.publish(TopicName.loadComplete, runCompletedMessage(run, cause, namespaces)),
      );
    },
  };
}

/** The Lambda handler: `packages/table-extractor/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createExtractorHandler(createLambdaRuntime({ service: ServiceName.tableExtractor }));
