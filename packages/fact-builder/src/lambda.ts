import { createLambdaRuntime, createSqsHandler, type LambdaRuntime, type SqsHandler } from '@totes/aws-entry';
import { MessageType } from '@totes/contracts';
import { findModel, ServiceName, TopicName } from '@totes/model';
import { buildFact } from './build-fact';
import { FactBuilderError, FactBuilderErrorCode } from './errors';

/**
 * The fact-builder's AWS entry: one function subscribed to every fact queue; the queue a record came from says
 * which fact to build. `extracted` in, the processed zone written, `built` out, through the same core
 * (`buildFact`) as the local poller.
 */
export function createFactBuilderHandler(runtime: LambdaRuntime): SqsHandler {
  return createSqsHandler(runtime, {
    accepts: [MessageType.tableExtracted],
    async handle(message, { logger, queue }) {
      const model = findModel(queue.model ?? '');
      if (model?.kind !== 'fact') {
        throw new FactBuilderError(FactBuilderErrorCode.notAFact, `queue ${queue.name} carries no fact`);
      }
      // The ports reach the container's lake and publisher only when the core uses them.
      const built = await buildFact(message, model, {
        readColumns: (object, columns) => runtime.lake().readColumns(object, columns),
        writeColumns: (key, columns, batches) => runtime.lake().writeColumns(key, columns, batches),
        publish: (output) => runtime.publisher().publish(TopicName.built, output),
      });
      logger.info('fact built', { table: message.table, rows: built.object.rows });
    },
  });
}

/** The Lambda handler: `packages/fact-builder/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createFactBuilderHandler(createLambdaRuntime({ service: ServiceName.factBuilder }));
