import { describe, expect, it } from 'vitest';
import { defaultMaxReceiveCount, modelQueueName, platformTopology, scopedName } from './topology';
import { warehouseModels } from './warehouse-model';

// One queue per model; the filter is exactly the model's source tables (SCHEMA.md section 2).
const modelQueues = [
  ['build-dim-date', 'dim_date', 'dimension-builder', ['payment', 'purchase_order', 'sales_order']],
  ['build-dim-staff', 'dim_staff', 'dimension-builder', ['department', 'staff']],
  ['build-dim-location', 'dim_location', 'dimension-builder', ['address']],
  ['build-dim-design', 'dim_design', 'dimension-builder', ['design']],
  ['build-dim-currency', 'dim_currency', 'dimension-builder', ['currency']],
  ['build-dim-counterparty', 'dim_counterparty', 'dimension-builder', ['address', 'counterparty']],
  ['build-dim-payment-type', 'dim_payment_type', 'dimension-builder', ['payment_type']],
  ['build-dim-transaction', 'dim_transaction', 'dimension-builder', ['transaction']],
  ['build-fact-sales-order', 'fact_sales_order', 'fact-builder', ['sales_order']],
  ['build-fact-purchase-order', 'fact_purchase_order', 'fact-builder', ['purchase_order']],
  ['build-fact-payment', 'fact_payment', 'fact-builder', ['payment']],
] as const;

describe('platformTopology', () => {
  const topology = platformTopology();

  it('has one topic per event', () => {
    expect(topology.topics).toEqual(['changes', 'extracted', 'built', 'load-complete']);
  });

  it('has the extractor queue, one queue per model, and the loader queue', () => {
    expect(topology.queues.map((queue) => queue.name)).toEqual([
      'table-extractor',
      ...modelQueues.map(([name]) => name),
      'warehouse-loader',
    ]);
  });

  it.each(modelQueues)(
    'subscribes %s for %s (consumed by %s) to extracted, filtered on %j, with a DLQ',
    (name, model, consumer, tables) => {
      expect(topology.queues.find((queue) => queue.name === name)).toEqual({
        name,
        topic: 'extracted',
        consumer,
        model,
        filterPolicy: { table: tables },
        deadLetterQueue: `${name}-dlq`,
        maxReceiveCount: defaultMaxReceiveCount,
      });
    },
  );

  it('has the inbox events queue, consumed by the change-detector with a DLQ and fed by no topic', () => {
    expect(topology.inboxEvents).toEqual({
      name: 'inbox-events',
      consumer: 'change-detector',
      deadLetterQueue: 'inbox-events-dlq',
      maxReceiveCount: defaultMaxReceiveCount,
    });
  });

  it('subscribes the extractor to changes and the loader to built, unfiltered, each with a DLQ', () => {
    const [first] = topology.queues;
    const last = topology.queues.at(-1);

    expect(first).toEqual({
      name: 'table-extractor',
      topic: 'changes',
      consumer: 'table-extractor',
      deadLetterQueue: 'table-extractor-dlq',
      maxReceiveCount: 5,
    });
    expect(last).toEqual({
      name: 'warehouse-loader',
      topic: 'built',
      consumer: 'warehouse-loader',
      deadLetterQueue: 'warehouse-loader-dlq',
      maxReceiveCount: 5,
    });
  });

  it('names every queue of a model after it', () => {
    expect(warehouseModels.map(modelQueueName)).toEqual(modelQueues.map(([name]) => name));
  });
});

describe('scopedName', () => {
  it.each([
    ['local', 'changes', 'totes-local-changes'],
    ['dev', 'build-dim-staff', 'totes-dev-build-dim-staff'],
    ['prod', 'build-dim-staff-dlq', 'totes-prod-build-dim-staff-dlq'],
  ])('scopes %s / %s as %s', (stage, name, scoped) => {
    expect(scopedName(stage, name)).toBe(scoped);
  });

  it('never gives two stages the same queue name', () => {
    expect(scopedName('dev', 'warehouse-loader')).not.toBe(scopedName('prod', 'warehouse-loader'));
  });
});
