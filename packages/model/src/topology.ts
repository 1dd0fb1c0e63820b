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

/** A queue subscribed to one topic, consumed by one service, with a dead-letter queue behind it. */
export interface QueueSpec {
  readonly name: string;
  readonly topic: TopicName;
  readonly consumer: ServiceName;
  /** The SNS filter policy on message attributes; none means every message of the topic. */
  readonly filterPolicy?: Readonly<Record<string, readonly string[]>>;
  /** The model whose builds this queue carries. */
  readonly model?: string;
  readonly deadLetterQueue: string;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/** Topics and queues, unscoped: {@link scopedName} gives each its name in one app stage. */
export interface Topology {
  readonly topics: readonly TopicName[];
  readonly queues: readonly QueueSpec[];
}

/** How often a message is tried before it is dead-lettered. */
export const defaultMaxReceiveCount = 5;

function queue(
  name: string,
  topic: TopicName,
  consumer: ServiceName,
  extra: Partial<QueueSpec> = {},
): QueueSpec {
  return {
    name,
    topic,
    consumer,
    deadLetterQueue: `${name}-dlq`,
    maxReceiveCount: defaultMaxReceiveCount,
    ...extra,
  };
}

/** The queue that carries the builds of one model. */
export function modelQueueName(model: WarehouseModel): string {
  return `build-${model.name.replaceAll('_', '-')}`;
}

/**
 * The whole message topology, derived from the warehouse model: one queue per model, subscribed to `extracted`
 * with a filter policy of exactly the tables it depends on. The local stack and the AWS stack both build this.
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
  };
}

/** A resource name scoped to the app and the stage, so stages never share a topic or a queue. */
export function scopedName(stage: string, name: string): string {
  return `totes-${stage}-${name}`;
}
