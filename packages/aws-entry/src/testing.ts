import type { SQSClient } from '@aws-sdk/client-sqs';
import { platformTopology, type ServiceName, scopedName } from '@totes/model';
import { createLogger, type QueueEndpoint } from '@totes/runtime';
import type { SQSRecord } from 'aws-lambda';
import type { LambdaRuntime } from './lambda-runtime';

/** The endpoint of a topology queue in a stage, with ARNs and URLs shaped as AWS shapes them. */
export function queueEndpointOf(stage: string, queueName: string): QueueEndpoint {
  const spec = platformTopology().queues.find((queue) => queue.name === queueName);
  if (!spec) throw new Error(`the topology has no queue ${queueName}`);
  const arn = (name: string) => `arn:aws:sqs:eu-west-2:123456789012:${scopedName(stage, name)}`;
  const url = (name: string) => `https://sqs.eu-west-2.amazonaws.com/123456789012/${scopedName(stage, name)}`;
  return {
    spec,
    url: url(spec.name),
    arn: arn(spec.name),
    deadLetterUrl: url(spec.deadLetterQueue),
    deadLetterArn: arn(spec.deadLetterQueue),
  };
}

/**
 * An SQS record from `queue`, as Lambda's event source mapping delivers it. A platform message carries its `type`
 * attribute; pass `messageAttributes: {}` for one that has none, as an S3 event notification.
 */
export function sqsRecord(
  queue: Pick<QueueEndpoint, 'arn'>,
  messageId: string,
  body: string,
  options: { receiveCount?: number; messageAttributes?: SQSRecord['messageAttributes'] } = {},
): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1700000000001',
    },
    messageAttributes: options.messageAttributes ?? {
      type: { stringValue: 'table.changed', dataType: 'String' },
    },
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: 'eu-west-2',
  };
}

/** A {@link LambdaRuntime} for unit tests of a Lambda entry, and what it saw. */
export interface RecordingRuntime {
  readonly runtime: LambdaRuntime;
  /** The input of every SQS command sent (dead-lettered and deferred copies). */
  readonly sent: Record<string, unknown>[];
  readonly logs: string[];
}

/**
 * A runtime that knows one queue and records what is sent to SQS. Every other port (databases, lake, publisher,
 * config) throws when used, so a test proves which records never reach the core.
 */
export function recordingRuntime(service: ServiceName, queue: QueueEndpoint): RecordingRuntime {
  const sent: Record<string, unknown>[] = [];
  const logs: string[] = [];
  const sqs = {
    send: async (command: { input: Record<string, unknown> }) => {
      sent.push(command.input);
      return {};
    },
  } as unknown as SQSClient;
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available in this test`);
  };
  const runtime: LambdaRuntime = {
    service,
    logger: createLogger({}, { write: (line) => logs.push(line) }),
    config: unavailable('config'),
    aws: () => ({ sqs }) as unknown as ReturnType<LambdaRuntime['aws']>,
    sourcePool: unavailable('the source'),
    warehousePool: unavailable('the warehouse'),
    lake: unavailable('the lake'),
    publisher: unavailable('the publisher'),
    queues: () => ({
      specOf: (arn) => {
        if (arn !== queue.arn) throw new Error(`unknown queue ${arn}`);
        return queue.spec;
      },
      endpointOf: async (arn) => {
        if (arn !== queue.arn) throw new Error(`unknown queue ${arn}`);
        return queue;
      },
    }),
    namespaces: unavailable('the lineage namespaces'),
    metrics: unavailable('the metrics'),
    invoked: () => {},
    once: async (_key, task) => task(),
    withFreshCredentials: (task) => task(),
  };
  return { runtime, sent, logs };
}
