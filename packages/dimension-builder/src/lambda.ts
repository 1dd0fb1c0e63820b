import { createLambdaRuntime, createSqsHandler, type LambdaRuntime, type SqsHandler } from '@totes/aws-entry';
import { MessageType } from '@totes/contracts';
import { findModel, ServiceName, TopicName } from '@totes/model';
import { readCurrentState } from '@totes/runtime';
import { buildDimension } from './build-dimension';
import { DimensionBuilderError, DimensionBuilderErrorCode } from './errors';

/**
 * The dimension-builder's AWS entry: one function subscribed to every dimension queue; the queue a record came from
 * says which dimension to build. `extracted` in, the processed zone written, `built` out, through the same core
 * (`buildDimension`) as the local poller.
 */
export function createDimensionBuilderHandler(runtime: LambdaRuntime): SqsHandler {
  return createSqsHandler(runtime, {
    accepts: [MessageType.tableExtracted],
    async handle(message, { logger, queue }) {
      const model = findModel(queue.model ?? '');
      if (model?.kind !== 'dimension') {
        throw new DimensionBuilderError(
          DimensionBuilderErrorCode.notADimension,
          `queue ${queue.name} carries no dimension`,
        );
      }
      // The ports reach the container's lake and publisher only when the core uses them.
      const built = await buildDimension(message, model, {
        readColumns: (object, columns) => runtime.lake().readColumns(object, columns),
        writeColumns: (key, columns, batches) => runtime.lake().writeColumns(key, columns, batches),
        readCurrentState: (table, keep) => readCurrentState(runtime.lake(), table, keep),
        publish: (output) => runtime.publisher().publish(TopicName.built, output),
      });
      logger.info('dimension built', { table: message.table, rows: built.object.rows });
    },
  });
}

/** The Lambda handler: `packages/dimension-builder/src/lambda.handler`. Importing it connects to nothing. */
export const handler = createDimensionBuilderHandler(
  createLambdaRuntime({ service: ServiceName.dimensionBuilder }),
);
