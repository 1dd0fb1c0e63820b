import type { SQSClient } from '@aws-sdk/client-sqs';
import { MessageType, type ModelBuilt } from '@totes/contracts';
import { findModel, ServiceName, TopicName } from '@totes/model';
import { type Consumer, type Logger, type Publisher, type QueueEndpoint, startWorker } from '@totes/runtime';
import { buildFact } from './build-fact';
import { FactBuilderError, FactBuilderErrorCode } from './errors';
import type { FactBuilderPorts } from './types';

export interface FactBuilderServiceOptions {
  sqs: SQSClient;
  /** The model queues this service consumes: every queue whose consumer is the fact-builder. */
  queues: readonly QueueEndpoint[];
  ports: Omit<FactBuilderPorts, 'publish'>;
  publisher: Publisher;
  logger: Logger;
  onBuilt?: (built: ModelBuilt) => void;
}

/** The fact-builder's local poller: one worker per fact queue; `extracted` in, `built` out. */
export function startFactBuilder(options: FactBuilderServiceOptions): Consumer[] {
  const logger = options.logger.child({ service: ServiceName.factBuilder });
  const ports: FactBuilderPorts = {
    ...options.ports,
    publish: (built) => options.publisher.publish(TopicName.built, built),
  };
  return options.queues.map((queue) => {
    const model = findModel(queue.spec.model ?? '');
    if (model?.kind !== 'fact') {
      throw new FactBuilderError(FactBuilderErrorCode.notAFact, `queue ${queue.spec.name} carries no fact`);
    }
    return startWorker({
      service: ServiceName.factBuilder,
      sqs: options.sqs,
      queue,
      accepts: [MessageType.tableExtracted],
      logger: logger.child({ model: model.name }),
      concurrency: 2,
      handle: async (message, log) => {
        const built = await buildFact(message, model, ports);
        log.info('fact built', { table: message.table, rows: built.object.rows });
        options.onBuilt?.(built);
      },
    });
  });
}
