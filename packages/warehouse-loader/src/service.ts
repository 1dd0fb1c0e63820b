import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  LineageEventType,
  MessageType,
  type ModelLoaded,
  parseMessage,
  type RunCompleted,
} from '@totes/contracts';
import { ServiceName, TopicName } from '@totes/model';
import {
  type Consumer,
  type Logger,
  type Publisher,
  type QueueEndpoint,
  type RunLedger,
  runCompletedMessage,
  startWorker,
} from '@totes/runtime';
import { modelLoadedEvent, modelLoadingEvent } from './lineage-event';
import { type LoaderPorts, loadBuiltModel } from './load-model';

export interface WarehouseLoaderServiceOptions {
  sqs: SQSClient;
  queue: QueueEndpoint;
  publisher: Publisher;
  ports: LoaderPorts;
  runs: Pick<RunLedger, 'completeRun'>;
  logger: Logger;
  /** Told of every load and every completed run, for progress displays and run accounting. */
  onLoaded?: (loaded: ModelLoaded) => void;
  onRunCompleted?: (run: RunCompleted) => void;
}

/**
 * The warehouse-loader's local poller: `built` messages in, `model.loading` out as a load begins, rows in the
 * warehouse, `model.loaded` out, and `run.completed` once the last model that a detection cycle triggered is loaded.
 */
export function startWarehouseLoader(options: WarehouseLoaderServiceOptions): Consumer {
  const logger = options.logger.child({ service: ServiceName.warehouseLoader });
  return startWorker({
    service: ServiceName.warehouseLoader,
    sqs: options.sqs,
    queue: options.queue,
    accepts: [MessageType.modelBuilt],
    logger,
    onDeadLetter: async (raw, error) => {
      // Downstream hears of a load that failed for good, too: a FAIL event for the model.
      const parsed = parseMessage(raw.Body ?? '', [MessageType.modelBuilt]);
      if (!parsed.ok) return;
      const failed = modelLoadedEvent(parsed.message, options.ports.namespaces, {
        eventType: LineageEventType.fail,
        outcome: { received: 0, written: 0, firstDelivery: false },
        durationMs: 0,
        error,
      });
      await options.publisher.publish(TopicName.loadComplete, failed);
      options.onLoaded?.(failed);
    },
    handle: async (message, log) => {
      // The OpenLineage START, before any work: a load that fails for good has announced its start too.
      await options.publisher.publish(
        TopicName.loadComplete,
        modelLoadingEvent(message, options.ports.namespaces),
      );
      const loaded = await loadBuiltModel(message, options.ports);
      await options.publisher.publish(TopicName.loadComplete, loaded);
      log.info('model loaded', {
        model: loaded.model,
        table: loaded.table,
        rows: loaded.rows,
        firstDelivery: loaded.firstDelivery,
      });
      options.onLoaded?.(loaded);
      await options.runs.completeRun(message.runId, async (run) => {
        const completed = runCompletedMessage(run, loaded, options.ports.namespaces);
        await options.publisher.publish(TopicName.loadComplete, completed);
        log.info('run completed', {
          tables: run.tables,
          models: run.models,
          durationMs: completed.durationMs,
        });
        options.onRunCompleted?.(completed);
      });
    },
  });
}
