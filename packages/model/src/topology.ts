import { dependenciesOf, filterPolicyOf } from './graph';
import type { WarehouseModel } from './types';
import { warehouseModels } from './warehouse-model';

/** The five services. */
export const ServiceName = {
  changeDetector: 'change-detector',
  tableExtractor: 'table-extractor',
  dimensionBuilder: 'dimension-builder',
  factBuilder: 'fact-builder',
  warehouseLoader: 'warehouse-loader',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

/** The topics, one per event. */
export const TopicName = {
  changes: 'changes',
  extracted: 'extracted',
  built: 'built',
  loadComplete: 'load-complete',
} as const;
export type TopicName = (typeof TopicName)[keyof typeof TopicName];

/** A queue consumed by one service, with a dead-letter queue behind it. */
export interface QueueBase {
  readonly name: string;
  readonly consumer: ServiceName;
  readonly deadLetterQueue: string;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/** A queue subscribed to one topic, consumed by one service, with a dead-letter queue behind it. */
export interface QueueSpec extends QueueBase {
  readonly topic: TopicName;
  /** The SNS filter policy on message attributes; none means every message of the topic. */
  readonly filterPolicy?: Readonly<Record<string, readonly string[]>>;
  /** The model whose builds this queue carries. */
  readonly model?: string;
}

/**
 * The queue the inbox's storage notifies of each file written into it (S3 `ObjectCreated` events), fed by the
 * bucket, not by a topic; the change-detector consumes it. Locally there is none: fauxqs has no bucket
 * notifications, so the detector's re-listing alone finds files.
 */
export type NotificationQueueSpec = QueueBase;

/** Topics and queues, unscoped: {@link scopedName} gives each its name in one app stage. */
export interface Topology {
  readonly topics: readonly TopicName[];
  readonly queues: readonly QueueSpec[];
  /** The inbox's event notifications, on AWS. */
  readonly inboxEvents: NotificationQueueSpec;
}

/** How often a message is tried before it is dead-lettered. */
export const defaultMaxReceiveCount = 5;

function queue(
  name: string,
  topic: TopicName,
  consumer: ServiceName,
  extra: Partial<QueueSpec> = {},
): QueueSpec {
  return { ...queueBase(name, consumer), topic, ...extra };
}

function queueBase(name: string, consumer: ServiceName): QueueBase {
  return { name, consumer, deadLetterQueue: `${name}-dlq`, maxReceiveCount: defaultMaxReceiveCount };
}

/** The name of the queue of the inbox's event notifications. */
export const inboxEventsQueueName = 'inbox-events';

/** The queue that carries the builds of one model. */
export function modelQueueName(model: WarehouseModel): string {
  return `build-${model.name.replaceAll('_', '-')}`;
}

/**
 * The whole message topology, derived from the warehouse model: one queue per model, subscribed to `extracted`
 * with a filter policy of exactly the tables it depends on, and the queue of the inbox's event notifications. The local
 * stack and the AWS stack both build the topics and their queues; only AWS has the inbox's notifications.
 */
export function platformTopology(): Topology {
  const modelQueues = warehouseModels
    .filter((model) => dependenciesOf(model).length > 0)
    .map((model) =>
      queue(
        modelQueueName(model),
        TopicName.extracted,
        model.kind === 'fact' ? ServiceName.factBuilder : ServiceName.dimensionBuilder,
        { filterPolicy: filterPolicyOf(model), model: model.name },
      ),
    );
  return {
    topics: Object.values(TopicName),
    queues: [
      queue('table-extractor', TopicName.changes, ServiceName.tableExtractor),
      ...modelQueues,
      queue('warehouse-loader', TopicName.built, ServiceName.warehouseLoader),
    ],
    inboxEvents: queueBase(inboxEventsQueueName, ServiceName.changeDetector),
  };
}

/** A resource name scoped to the app and the stage, so stages never share a topic or a queue. */
export function scopedName(stage: string, name: string): string {
  return `totes-${stage}-${name}`;
}
