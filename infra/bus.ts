import { type QueueSpec, scopedName, type TopicName, type Topology } from '@totes/model';
import { InfraError, InfraErrorCode } from './errors';
import { logicalName } from './naming';
import type { StagePlan } from './stage';

/** A queue of the topology with its dead-letter queue. */
export interface BusQueue {
  readonly spec: QueueSpec;
  readonly queue: sst.aws.Queue;
  readonly deadLetter: sst.aws.Queue;
}

/** A stage's topics and queues. */
export interface Bus {
  readonly topics: Readonly<Record<TopicName, sst.aws.SnsTopic>>;
  readonly queues: readonly BusQueue[];
}

/** How long a dead-lettered message is kept: SQS's maximum, 14 days. */
export const deadLetterRetentionSeconds = 14 * 24 * 3600;

/**
 * The topology on SNS and SQS, exactly as the local stack provisions it (`provisionTopology` in @totes/runtime):
 * one topic per event; per queue of the topology a queue and a dead-letter queue with the topology's redrive
 * (`maxReceiveCount`), subscribed to its topic with raw delivery and the queue's filter policy (a model's queue
 * gets only `extracted` messages of the tables it depends on). Names are `totes-<stage>-<name>`, as locally.
 *
 * @param visibilityTimeoutSeconds the visibility timeout of a queue: at least six times its consumer's timeout.
 */
export function bus(
  plan: StagePlan,
  topology: Topology,
  visibilityTimeoutSeconds: (spec: QueueSpec) => number,
): Bus {
  const senders = new Map<string, { topic: sst.aws.SnsTopic; queue: sst.aws.Queue }>();
  onlyTheTopicSendsToItsQueue(plan, senders);
  const topics = Object.fromEntries(
    topology.topics.map((topic) => [
      topic,
      new sst.aws.SnsTopic(logicalName(topic, 'topic'), {
        transform: { topic: { name: scopedName(plan.stage, topic) } },
      }),
    ]),
  ) as Record<TopicName, sst.aws.SnsTopic>;
  const queues = topology.queues.map((spec): BusQueue => {
    const deadLetter = new sst.aws.Queue(logicalName(spec.deadLetterQueue), {
      transform: {
        queue: {
          name: scopedName(plan.stage, spec.deadLetterQueue),
          messageRetentionSeconds: deadLetterRetentionSeconds,
        },
      },
    });
    const queue = new sst.aws.Queue(logicalName(spec.name, 'queue'), {
      visibilityTimeout: `${visibilityTimeoutSeconds(spec)} seconds`,
      dlq: { queue: deadLetter.arn, retry: spec.maxReceiveCount },
      transform: { queue: { name: scopedName(plan.stage, spec.name) } },
    });
    senders.set(scopedName(plan.stage, spec.name), { topic: topics[spec.topic], queue });
    topics[spec.topic].subscribeQueue(logicalName(spec.name), queue.arn, {
      ...(spec.filterPolicy ? { filter: { ...spec.filterPolicy } } : {}),
      // The queue receives the platform's JSON as published, not wrapped in an SNS envelope.
      transform: { subscription: { rawMessageDelivery: true } },
    });
    return { spec, queue, deadLetter };
  });
  return { topics, queues };
}

/**
 * SST gives each subscribed queue a policy that lets sns, s3 and events send to it from anywhere. Least privilege
 * asks for less: only SNS, and only from the topic the queue is subscribed to (`aws:SourceArn`). Every queue policy
 * of the stack is one of these; one for a queue this bus does not know fails the deploy.
 */
function onlyTheTopicSendsToItsQueue(
  plan: StagePlan,
  senders: ReadonlyMap<string, { readonly topic: sst.aws.SnsTopic; readonly queue: sst.aws.Queue }>,
): void {
  $transform(aws.sqs.QueuePolicy, (args) => {
    args.policy = $output(args.queueUrl).apply((url) => {
      const name = url.split('/').at(-1) ?? '';
      const sender = senders.get(name);
      if (!sender) {
        throw new InfraError(
          InfraErrorCode.unknownQueue,
          `a queue policy for ${name}, not a queue of ${plan.stage}`,
        );
      }
      return queuePolicy(sender.topic.arn, sender.queue.arn);
    });
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
