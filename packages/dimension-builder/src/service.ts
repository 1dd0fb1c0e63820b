import type { SQSClient } from '@aws-sdk/client-sqs';
import { MessageType, type ModelBuilt } from '@totes/contracts';
import { findModel, ServiceName, TopicName } from '@totes/model';
import { type Consumer, type Logger, type Publisher, type QueueEndpoint, startWorker } from '@totes/runtime';
import { buildDimension } from './build-dimension';
import { DimensionBuilderError, DimensionBuilderErrorCode } from './errors';
import type { BuilderPorts } from './types';

export interface DimensionBuilderServiceOptions {
  sqs: SQSClient;
  /** The model queues this service consumes: every queue whose consumer is the dimension-builder. */
  queues: readonly QueueEndpoint[];
  ports: Omit<BuilderPorts, 'publish'>;
  publisher: Publisher;
  logger: Logger;
  onBuilt?: (built: ModelBuilt) => void;
}

/** The dimension-builder's local poller: one worker per dimension queue; `extracted` in, `built` out. */
export function startDimensionBuilder(options: DimensionBuilderServiceOptions): Consumer[] {
  const logger = options.logger.child({ service: ServiceName.dimensionBuilder });
  const ports: BuilderPorts = {
    ...options.ports,
    publish: (built) => options.publisher.publish(TopicName.built, built),
  };
  return options.queues.map((queue) => {
    const model = findModel(queue.spec.model ?? '');
    if (model?.kind !== 'dimension') {
      throw new DimensionBuilderError(
        DimensionBuilderErrorCode.notADimension,
        `queue ${queue.spec.name} carries no dimension`,
      );
    }
    return startWorker({
      service: ServiceName.dimensionBuilder,
      sqs: options.sqs,
      queue,
      accepts: [MessageType.tableExtracted],
      logger: logger.child({ model: model.name }),
      concurrency: 1,
      handle: async (message, log) => {
        const built = await buildDimension(message, model, ports);
        log.info('dimension built', { table: message.table, rows: built.object.rows });
        options.onBuilt?.(built);
      },
    });
  });
}
