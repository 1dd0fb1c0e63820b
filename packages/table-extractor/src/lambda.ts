import {
  checkInboxOnly,
  createLambdaRuntime,
  createSqsHandler,
  type LambdaRuntime,
  type SqsHandler,
} from '@totes/aws-entry';
import { MessageType } from '@totes/contracts';
import { inboxPolicyOf, ServiceName, sourceTableNames, TopicName } from '@totes/model';
import {
  checkSourceSchema,
  createInboxLedger,
  createInboxPieceLedger,
  createInboxStore,
  createRunLedger,
  createSchemaDriftStore,
  createWatermarkStore,
  readChangeWindow,
  readSourceKeys,
  runCompletedMessage,
} from '@totes/runtime';
import type pg from 'pg';
import { handleChange } from './handle-change';
import { logExtractionOutcome } from './log-outcome';
import type { ExtractorPorts, InboxPorts } from './types';

/**
 * The table-extractor's AWS entry: `changes` records in, raw Parquet in the raw zone, `extracted` out, through the
 * same core (`extractTable`) as the local poller. The watermarks and the run ledger live in the warehouse's state
 * schema, so this function reads the warehouse secret as well as the source secret (none on an inbox-only stage,
 * `TOTES_SOURCE_LOCATION=none`, which reads files alone and opens no source). Given an inbox
 * (`TOTES_INBOX_URL`), it reads the files the detector claimed, streamed from S3; a Parquet file goes through a
 * temporary file in `/tmp`, whose size the infrastructure sets.
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
  checkInboxOnly(config);
  // The source is opened up front, as before; an inbox-only stage has none, and a database window sent to it fails
  // on the pool, saying so (NoSourceDatabaseError).
  const [, warehouse, namespaces] = await Promise.all([
    config.inboxOnly ? undefined : runtime.sourcePool(),
    runtime.warehousePool(),
    runtime.namespaces(),
  ]);
  const source = () => runtime.sourcePool();
  const publisher = runtime.publisher();
  const runs = createRunLedger(warehouse, config.stateSchema, sourceTableNames);
  return {
    checkSchema: async (table) => checkSourceSchema(await source(), table),
    async *readWindow(table, window, horizon) {
      yield* readChangeWindow(await source(), table, window, undefined, horizon);
    },
    writeColumns: runtime.lake().writeColumns,
    writeDataset: runtime.lake().writeDataset,
    listRaw: (prefix) => runtime.lake().list(prefix),
    readDataset: runtime.lake().readDataset,
    sourceKeys: async (table, from, to) => readSourceKeys(await source(), table, from, to),
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
    ...(config.inboxUrl === undefined ? {} : { inbox: inboxPortsOf(runtime, config.inboxUrl, warehouse) }),
  };
}

/**
 * The inbox's files on S3, and the ledger in the state schema; each table's policy is the model's, unless the stage's
 * `TOTES_INBOX_POLICY` overrides it.
 */
function inboxPortsOf(runtime: LambdaRuntime, inboxUrl: string, warehouse: pg.Pool): InboxPorts {
  const store = createInboxStore(inboxUrl, { s3Client: runtime.aws().s3 });
  return {
    readFile: (key, options) => store.read(key, options),
    ledger: createInboxLedger(warehouse, runtime.config().stateSchema),
    pieces: createInboxPieceLedger(warehouse, runtime.config().stateSchema),
    policyOf: (table) => inboxPolicyOf(table, runtime.config().inboxPolicies),
  };
}

/** The Lambda handler: `packages/table-extractor/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createExtractorHandler(createLambdaRuntime({ service: ServiceName.tableExtractor }));
