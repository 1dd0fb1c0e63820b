import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { platformTopology, type QueueBase, type QueueSpec, scopedName } from '@totes/model';
import { redactSecrets } from '@totes/runtime';
import { CliError, CliErrorCode } from '../errors';

/**
 * A platform queue and its dead-letter queue, found by name in one stage: a topic's queue, or the inbox's event
 * notifications (fed by the bucket, so with no topic).
 */
export interface StageQueue {
  readonly spec: QueueBase & Partial<Pick<QueueSpec, 'topic' | 'filterPolicy' | 'model'>>;
  readonly name: string;
  readonly url: string;
  readonly deadLetterName: string;
  readonly deadLetterUrl: string;
}

/**
 * Finds every queue of the topology in a stage: the same names the platform created. The inbox's event queue is
 * found where it exists (on AWS; the local stack has none, as fauxqs has no bucket notifications).
 */
export async function findStageQueues(sqs: SQSClient, stage: string): Promise<StageQueue[]> {
  const topology = platformTopology();
  const queues = await Promise.all(topology.queues.map((spec) => stageQueue(sqs, stage, spec)));
  const events = scopedName(stage, topology.inboxEvents.name);
  return (await queueExists(sqs, events))
    ? [...queues, await stageQueue(sqs, stage, topology.inboxEvents)]
    : queues;
}

async function stageQueue(sqs: SQSClient, stage: string, spec: StageQueue['spec']): Promise<StageQueue> {
  const name = scopedName(stage, spec.name);
  const deadLetterName = scopedName(stage, spec.deadLetterQueue);
  return {
    spec,
    name,
    deadLetterName,
    url: await queueUrl(sqs, name),
    deadLetterUrl: await queueUrl(sqs, deadLetterName),
  };
}

async function queueExists(sqs: SQSClient, name: string): Promise<boolean> {
  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch {
    // Not there, or no answer at all: the lookups of the topic's queues say which, and fail on the second.
    return false;
  }
}

/**
 * Picks one queue by what an operator types: `warehouse-loader`, `warehouse-loader-dlq` or the full stage-scoped
 * name. Anything else is refused with the list of names that would do.
 */
export function pickQueue(queues: readonly StageQueue[], typed: string): StageQueue {
  const found = queues.find((queue) =>
    [queue.spec.name, queue.spec.deadLetterQueue, queue.name, queue.deadLetterName].includes(typed),
  );
  if (!found) {
    const names = queues.map((queue) => queue.spec.deadLetterQueue).join(', ');
    throw new CliError(CliErrorCode.usage, `no queue "${typed}"; the dead-letter queues are: ${names}`);
  }
  return found;
}

async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  const where = 'is the platform running (pnpm start), or is --stage right?';
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl) return QueueUrl;
  } catch (error) {
    if (error instanceof CliError) throw error;
    // A queue that is not there and an endpoint that does not answer call for different fixes: say which.
    if (!(error instanceof QueueDoesNotExist))
      throw new CliError(
        CliErrorCode.notFound,
        `queue ${name} cannot be reached: ${redactSecrets((error as Error).message)}; ${where}`,
      );
  }
  throw new CliError(CliErrorCode.notFound, `queue ${name} does not exist: ${where}`);
}

/** Messages waiting, in flight and delayed on a queue. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}
