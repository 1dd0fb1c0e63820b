import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type QueueSpec, scopedName, type TopicName, type Topology } from '@totes/model';
import { RuntimeError, RuntimeErrorCode } from '../errors';

/** Where a provisioned queue and its dead-letter queue live. */
export interface QueueEndpoint {
  readonly spec: QueueSpec;
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

/** The ARNs and URLs of a provisioned topology. */
export interface TopologyEndpoints {
  readonly stage: string;
  readonly topics: Readonly<Record<TopicName, string>>;
  readonly queues: Readonly<Record<string, QueueEndpoint>>;
}

export interface ProvisionOptions {
  sns: SNSClient;
  sqs: SQSClient;
  stage: string;
  topology: Topology;
  /** Seconds a received message stays hidden before another receive may take it. */
  visibilityTimeoutSeconds?: number;
}

/**
 * Creates every topic, queue, dead-letter queue and subscription of the topology, scoped to the stage. Safe to run
 * again: existing resources are reused and subscription filter policies are brought up to date.
 */
export async function provisionTopology(options: ProvisionOptions): Promise<TopologyEndpoints> {
  const { sns, sqs, stage, topology } = options;
  const topics = {} as Record<TopicName, string>;
  for (const topic of topology.topics) {
    const created = await sns.send(new CreateTopicCommand({ Name: scopedName(stage, topic) }));
    topics[topic] = required(created.TopicArn, `topic ${topic}`);
  }
  const queues: Record<string, QueueEndpoint> = {};
  for (const spec of topology.queues) {
    const deadLetter = await createQueue(sqs, scopedName(stage, spec.deadLetterQueue), {
      MessageRetentionPeriod: String(14 * 24 * 3600),
    });
    const queue = await createQueue(sqs, scopedName(stage, spec.name), {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: deadLetter.arn,
        maxReceiveCount: spec.maxReceiveCount,
      }),
    });
    await subscribe(sns, topics[spec.topic], queue.arn, spec.filterPolicy);
    queues[spec.name] = {
      spec,
      url: queue.url,
      arn: queue.arn,
      deadLetterUrl: deadLetter.url,
      deadLetterArn: deadLetter.arn,
    };
  }
  return { stage, topics, queues };
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = required(created.QueueUrl, `queue ${name}`);
  const described = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: required(described.Attributes?.QueueArn, `ARN of queue ${name}`) };
}

async function subscribe(
  sns: SNSClient,
  topicArn: string,
  queueArn: string,
  filterPolicy: QueueSpec['filterPolicy'],
): Promise<void> {
  const existing = await findSubscription(sns, topicArn, queueArn);
  const subscriptionArn =
    existing ??
    (
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          ReturnSubscriptionArn: true,
        }),
      )
    ).SubscriptionArn;
  const arn = required(subscriptionArn, `subscription of ${queueArn}`);
  // Raw delivery: the queue receives the platform's JSON as is, not wrapped in an SNS envelope.
  await sns.send(
    new SetSubscriptionAttributesCommand({
      SubscriptionArn: arn,
      AttributeName: 'RawMessageDelivery',
      AttributeValue: 'true',
    }),
  );
  if (filterPolicy) {
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: arn,
        AttributeName: 'FilterPolicy',
        AttributeValue: JSON.stringify(filterPolicy),
      }),
    );
  }
}

async function findSubscription(
  sns: SNSClient,
  topicArn: string,
  queueArn: string,
): Promise<string | undefined> {
  let token: string | undefined;
  do {
    const page = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
    );
    const found = page.Subscriptions?.find((subscription) => subscription.Endpoint === queueArn);
    if (found?.SubscriptionArn) return found.SubscriptionArn;
    token = page.NextToken;
  } while (token);
  return undefined;
}

function required(value: string | undefined, what: string): string {
  if (!value)
    throw new RuntimeError(RuntimeErrorCode.topologyMissing, `AWS returned no identifier for ${what}`);
  return value;
}
