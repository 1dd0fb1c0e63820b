import { type QueueBase, type QueueSpec, scopedName, type TopicName, type Topology } from '@totes/model';
import { InfraError, InfraErrorCode } from './errors';
import type { InboxBucket } from './inbox';
import { logicalName } from './naming';
import type { StagePlan } from './stage';

/** A queue of the topology with its dead-letter queue. */
export interface BusQueue<Spec extends QueueBase = QueueBase> {
  readonly spec: Spec;
  readonly queue: sst.aws.Queue;
  readonly deadLetter: sst.aws.Queue;
}

/** A stage's topics and queues. */
export interface Bus {
  readonly topics: Readonly<Record<TopicName, sst.aws.SnsTopic>>;
  /** Every queue of the stage: those subscribed to a topic, and the inbox's event notifications. */
  readonly queues: readonly BusQueue[];
  /** The queue the inbox bucket notifies of each file written into it. */
  readonly inboxEvents: BusQueue;
}

/** Who may send to a queue: its policy, by the queue's physical name. */
type Senders = Map<string, () => $util.Output<string>>;

/** How long a dead-lettered message is kept: SQS's maximum, 14 days. */
export const deadLetterRetentionSeconds = 14 * 24 * 3600;

/**
 * The topology on SNS and SQS, exactly as the local stack provisions it (`provisionTopology` in @totes/runtime):
 * one topic per event; per queue of the topology a queue and a dead-letter queue with the topology's redrive
 * (`maxReceiveCount`), subscribed to its topic with raw delivery and the queue's filter policy (a model's queue
 * gets only `extracted` messages of the tables it depends on). Names are `totes-<stage>-<name>`, as locally. The
 * topology's inbox events queue, with its own dead-letter queue and redrive, takes the inbox bucket's notifications.
 *
 * @param visibilityTimeoutSeconds the visibility timeout of a queue: at least six times its consumer's timeout.
 */
export function bus(
  plan: StagePlan,
  topology: Topology,
  visibilityTimeoutSeconds: (spec: QueueBase) => number,
  inbox: InboxBucket,
): Bus {
  const senders: Senders = new Map();
  onlyKnownSendersSendToAQueue(plan, senders);
  const topics = Object.fromEntries(
    topology.topics.map((topic) => [
      topic,
      new sst.aws.SnsTopic(logicalName(topic, 'topic'), {
        transform: { topic: { name: scopedName(plan.stage, topic) } },
      }),
    ]),
  ) as Record<TopicName, sst.aws.SnsTopic>;
  const queues = topology.queues.map((spec): BusQueue<QueueSpec> => {
    const { queue, deadLetter } = queueWithDeadLetter(plan, spec, visibilityTimeoutSeconds(spec));
    const topic = topics[spec.topic];
    senders.set(scopedName(plan.stage, spec.name), () => queuePolicy(topic.arn, queue.arn));
    topic.subscribeQueue(logicalName(spec.name), queue.arn, {
      ...(spec.filterPolicy ? { filter: { ...spec.filterPolicy } } : {}),
      // The queue receives the platform's JSON as published, not wrapped in an SNS envelope.
      transform: { subscription: { rawMessageDelivery: true } },
    });
    return { spec, queue, deadLetter };
  });
  const spec = topology.inboxEvents;
  const inboxEvents = { spec, ...queueWithDeadLetter(plan, spec, visibilityTimeoutSeconds(spec)) };
  senders.set(scopedName(plan.stage, spec.name), () =>
    bucketQueuePolicy(inbox.bucket.arn, inboxEvents.queue.arn),
  );
  return { topics, queues: [...queues, inboxEvents], inboxEvents };
}

/** A queue and its dead-letter queue, which keeps a message 14 days, after the spec's receives. */
function queueWithDeadLetter(
  plan: StagePlan,
  spec: QueueBase,
  visibilityTimeoutSeconds: number,
): Omit<BusQueue, 'spec'> {
  const deadLetter = new sst.aws.Queue(logicalName(spec.deadLetterQueue), {
    transform: {
      queue: {
        name: scopedName(plan.stage, spec.deadLetterQueue),
        messageRetentionSeconds: deadLetterRetentionSeconds,
      },
    },
  });
  const queue = new sst.aws.Queue(logicalName(spec.name, 'queue'), {
    visibilityTimeout: `${visibilityTimeoutSeconds} seconds`,
    dlq: { queue: deadLetter.arn, retry: spec.maxReceiveCount },
    transform: { queue: { name: scopedName(plan.stage, spec.name) } },
  });
  return { queue, deadLetter };
}

/**
 * SST gives each subscribed or notified queue a policy that lets sns, s3 and events send to it from anywhere. Least
 * privilege asks for less: only SNS, and only from the topic the queue is subscribed to; only S3, and only from the
 * inbox bucket (`aws:SourceArn`). Every queue policy of the stack is one of these; one for a queue this bus does not
 * know fails the deploy.
 */
function onlyKnownSendersSendToAQueue(plan: StagePlan, senders: Senders): void {
  $transform(aws.sqs.QueuePolicy, (args) => {
    args.policy = $output(args.queueUrl).apply((url) => {
      const name = url.split('/').at(-1) ?? '';
      const policy = senders.get(name);
      if (!policy) {
        throw new InfraError(
          InfraErrorCode.unknownQueue,
          `a queue policy for ${name}, not a queue of ${plan.stage}`,
        );
      }
      return policy();
    });
  });
}

/**
 * The queue policy that lets exactly one bucket's event notifications reach a queue. The bucket's ARN names no
 * account, so the bucket must also be this account's (`aws:SourceAccount`): a bucket of the same name elsewhere,
 * after this one is removed, cannot send.
 */
export function bucketQueuePolicy(
  bucketArn: $util.Input<string>,
  queueArn: $util.Input<string>,
): $util.Output<string> {
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TheInboxBucketNotifies',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: {
          ArnEquals: { 'aws:SourceArn': bucketArn },
          StringEquals: { 'aws:SourceAccount': aws.getCallerIdentityOutput({}).accountId },
        },
      },
    ],
  });
}

/** The queue policy that lets exactly one topic send to a queue. */
export function queuePolicy(
  topicArn: $util.Input<string>,
  queueArn: $util.Input<string>,
): $util.Output<string> {
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TheSubscribedTopicSends',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}
