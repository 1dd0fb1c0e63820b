import type { SQSClient } from '@aws-sdk/client-sqs';
import { MessageType } from '@totes/contracts';
import { ServiceName, TopicName } from '@totes/model';
import { type Consumer, type Logger, type Publisher, type QueueEndpoint, startWorker } from '@totes/runtime';
import { type LoaderPorts, loadBuiltModel } from './load-model';

export interface WarehouseLoaderServiceOptions {
  sqs: SQSClient;
  queue: QueueEndpoint;
  publisher: Publisher;
  ports: LoaderPorts;
  logger: Logger;
  /** Told of every load, for progress displays and run accounting. */
  onLoaded?: (loaded: import('@totes/contracts').ModelLoaded) => void;
}

/** The warehouse-loader's local poller: `built` messages in, rows in the warehouse, `load-complete` out. */
export function startWarehouseLoader(options: WarehouseLoaderServiceOptions): Consumer {
  const logger = options.logger.child({ service: ServiceName.warehouseLoader });
  return startWorker({
    service: ServiceName.warehouseLoader,
    sqs: options.sqs,
    queue: options.queue,
    accepts: [MessageType.modelBuilt],
    logger,
    handle: async (message, log) => {
      const loaded = await loadBuiltModel(message, options.ports);
      await options.publisher.publish(TopicName.loadComplete, loaded);
      log.info('model loaded', {
        model: loaded.model,
        table: loaded.table,
        rows: loaded.rows,
        firstDelivery: loaded.firstDelivery,
      });
      options.onLoaded?.(loaded);
    },
  });
}
