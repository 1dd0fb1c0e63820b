import { createLambdaRuntime, createSqsHandler, type LambdaRuntime, type SqsHandler } from '@totes/aws-entry';
import { LineageEventType, MessageType, parseMessage } from '@totes/contracts';
import { ServiceName, sourceTableNames, TopicName } from '@totes/model';
import { createRunLedger, runCompletedMessage, withAdvisoryLock } from '@totes/runtime';
import { modelLoadedEvent, modelLoadingEvent } from './lineage-event';
import { type LoaderPorts, loadBuiltModel } from './load-model';
import { migrateWarehouse } from './migrate';
import { createWarehouseWriter } from './warehouse-writer';

/**
 * The warehouse-loader's AWS entry: `built` records in, `model.loading` out as a load begins, rows in the stage's
 * warehouse schema, `model.loaded` out, and `run.completed` once a detection cycle's last model is loaded, through
 * the same core (`loadBuiltModel`) as the local poller. A load that fails for good is announced as a FAIL event, as locally. The warehouse and state
 * schemas are created on the container's first load, under an advisory lock.
 */
export function createWarehouseLoaderHandler(runtime: LambdaRuntime): SqsHandler {
  return createSqsHandler(runtime, {
    accepts: [MessageType.modelBuilt],
    async handle(message, { logger }) {
      const { ports, runs } = await portsOf(runtime);
      const publisher = runtime.publisher();
      await publisher.publish(TopicName.loadComplete, modelLoadingEvent(message, ports.namespaces));
      const loaded = await loadBuiltModel(message, ports);
      await publisher.publish(TopicName.loadComplete, loaded);
      logger.info('model loaded', {
        model: loaded.model,
        table: loaded.table,
        rows: loaded.rows,
        firstDelivery: loaded.firstDelivery,
      });
      await runs.completeRun(message.runId, async (run) => {
        const completed = runCompletedMessage(run, loaded, ports.namespaces);
        await publisher.publish(TopicName.loadComplete, completed);
        // Every change the run's detection saw is now in the warehouse: its tables lagged the run's duration.
        for (const table of run.tables) runtime.metrics().sourceLag(table, completed.durationMs / 1000);
        logger.info('run completed', {
          tables: run.tables,
          models: run.models,
          durationMs: completed.durationMs,
        });
      });
    },
    async onDeadLetter(raw, error) {
      const parsed = parseMessage(raw.Body ?? '', [MessageType.modelBuilt]);
      if (!parsed.ok) return;
      const failed = modelLoadedEvent(parsed.message, await runtime.namespaces(), {
        eventType: LineageEventType.fail,
        outcome: { received: 0, written: 0, firstDelivery: false },
        durationMs: 0,
        error,
      });
      await runtime.publisher().publish(TopicName.loadComplete, failed);
    },
  });
}

async function portsOf(runtime: LambdaRuntime) {
  const config = runtime.config();
  const [warehouse, namespaces] = await Promise.all([runtime.warehousePool(), runtime.namespaces()]);
  await runtime.once('migrate-warehouse', () =>
    withAdvisoryLock(warehouse, `totes-migrate-${config.stage}`, () => migrateWarehouse(warehouse, config)),
  );
  const runs = createRunLedger(warehouse, config.stateSchema, sourceTableNames);
  const ports: LoaderPorts = {
    readColumns: runtime.lake().readColumns,
    writer: createWarehouseWriter({
      pool: warehouse,
      runs,
      warehouseSchema: config.warehouseSchema,
      stateSchema: config.stateSchema,
      loadParallelism: config.loadParallelism,
    }),
    namespaces,
  };
  return { ports, runs };
}

/** The Lambda handler: `packages/warehouse-loader/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createWarehouseLoaderHandler(
  createLambdaRuntime({ service: ServiceName.warehouseLoader }),
);
