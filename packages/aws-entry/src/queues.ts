import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { platformTopology, type QueueSpec, scopedName, type Topology } from '@totes/model';
import type { QueueEndpoint } from '@totes/runtime';
import { UnknownQueueError } from './errors';

/** Finds the queue (and its dead-letter queue) that a Lambda record came from. */
export interface QueueResolver {
  /**
   * The queue's spec in the topology: which model it carries, after how many receives it dead-letters.
   *
   * @throws {@link UnknownQueueError} for a queue the topology does not declare for this stage.
   */
  specOf(queueArn: string): QueueSpec;
  /** The queue's and its dead-letter queue's URLs and ARNs, looked up once per container. */
  endpointOf(queueArn: string): Promise<QueueEndpoint>;
}

/**
 * Resolves a record's `eventSourceARN` to its place in the topology: the spec says which model a builder's queue
 * carries and after how many receives a message is dead-lettered; the URLs come from SQS itself, so the same code
 * works on AWS and on an emulator. Each queue is looked up once per container.
 */
export function createQueueResolver(
  sqs: SQSClient,
  stage: string,
  topology: Topology = platformTopology(),
): QueueResolver {
  const resolved = new Map<string, Promise<QueueEndpoint>>();
  const specOf = (queueArn: string): QueueSpec => {
    const parts = queueArn.split(':');
    const spec = topology.queues.find((queue) => scopedName(stage, queue.name) === parts[5]);
    if (parts.length !== 6 || parts[2] !== 'sqs' || !parts[4] || !spec) throw new UnknownQueueError(queueArn);
    return spec;
  };
  const resolve = async (queueArn: string): Promise<QueueEndpoint> => {
    const spec = specOf(queueArn);
    const parts = queueArn.split(':');
    const [account, queueName] = [parts[4]!, parts[5]!];
    const deadLetterName = scopedName(stage, spec.deadLetterQueue);
    const urlOf = async (name: string) => {
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
      );
      if (!QueueUrl) throw new UnknownQueueError(queueArn);
      return QueueUrl;
    };
    const [url, deadLetterUrl] = await Promise.all([urlOf(queueName), urlOf(deadLetterName)]);
    return {
      spec,
      url,
      arn: queueArn,
      deadLetterUrl,
      deadLetterArn: [...parts.slice(0, 5), deadLetterName].join(':'),
    };
  };
  return {
    specOf,
    endpointOf(queueArn) {
      let endpoint = resolved.get(queueArn);
      if (!endpoint) {
        endpoint = resolve(queueArn);
        // A failed lookup is not remembered: the next record tries again.
        endpoint.catch(() => resolved.delete(queueArn));
        resolved.set(queueArn, endpoint);
      }
      return endpoint;
    },
  };
}
