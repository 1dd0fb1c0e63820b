import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ModelBuilt, newEnvelope } from '@totes/contracts';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { scopedName, TopicName } from '@totes/model';
import { createPool, createPublisher, lineageNamespaces } from '@totes/runtime';
import { migrateWarehouse, modelLoadedEvent } from '@totes/warehouse-loader';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from '../src/server';
import type { HealthReport } from '../src/types';
import { ensureReadOnlyRole } from '../src/warehouse';
import { insertRows, seedWarehouse } from './seed-warehouse';

const stage = 'test';

/** A report as `totes status` gives it: the dashboard only shows it. */
const report: HealthReport = { stage, alerts: [], tables: null, models: null, queues: [], note: 'no source' };

/** The `model.loaded` event the loader publishes after loading a model. */
function loadedEvent(model: 'fact_sales_order', table: 'sales_order') {
  const built = ModelBuilt.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
    type: 'model.built',
    model,
    kind: 'fact',
    table,
    object: {
      key: `processed/${model}/x`,
      parts: [`processed/${model}/x/part-00000.parquet`],
      rows: 1,
      bytes: 1,
    },
  });
  const namespaces = lineageNamespaces({
    stage,
    sourceUrl: 'postgres://source.example:5432/totesys',
    warehouseUrl: 'postgres://warehouse.example:5432/warehouse',
    warehouseSchema: 'public',
    lakeUrl: '/tmp/lake',
  });
  return modelLoadedEvent(built, namespaces, {
    eventType: 'COMPLETE',
    outcome: { received: 1, written: 1, firstDelivery: true },
    durationMs: 5,
  });
}

/** Reads a Server-Sent Events stream until an event of this name arrives; returns its data. */
async function nextEvent(reader: ReadableStreamDefaultReader<Uint8Array>, name: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before a "${name}" event`);
    text += decoder.decode(value, { stream: true });
    const match = new RegExp(`event: ${name}\\ndata: (.*)\\n`).exec(text);
    if (match?.[1]) return match[1];
  }
}

describe('the live dashboard, subscribed to load-complete', () => {
  let postgres: TestPostgres;
  let aws: LocalAws;
  let admin: pg.Pool;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let dashboard: Dashboard;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('warehouse');
    admin = createPool(postgres.url('warehouse'));
    await migrateWarehouse(admin, { warehouseSchema: 'public', stateSchema: 'totes' });
    await seedWarehouse(admin);
    aws = await startLocalAws();
    const client = {
      endpoint: aws.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    };
    sns = new SNSClient(client);
    sqs = new SQSClient(client);
    // The platform's topic, as the platform provisions it.
    topicArn =
      (await sns.send(new CreateTopicCommand({ Name: scopedName(stage, TopicName.loadComplete) })))
        .TopicArn ?? '';
    dashboard = await startDashboard({
      warehouseUrl: (await ensureReadOnlyRole(postgres.url('warehouse'), ['public', 'totes'])).url,
      schemas: { warehouse: 'public', state: 'totes' },
      health: { read: async () => report },
      events: { sns, sqs, topicArn, queueName: scopedName(stage, 'dashboard-live-test') },
    });
  });
  afterAll(async () => {
    await dashboard?.stop();
    sns?.destroy();
    sqs?.destroy();
    await aws?.stop();
    await admin?.end();
    await postgres?.dispose();
  });

  const revenueOfGbp = async () => {
    const response = await fetch(`${dashboard.url}api/query/sales_totals?currency=GBP`);
    const body = (await response.json()) as { rows: { revenue: string }[] };
    return body.rows[0]?.revenue;
  };

  it('listens on 127.0.0.1 only', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('tells open pages a model was loaded, and reads its aggregates again, when the loader announces the load', async () => {
    const before = await revenueOfGbp();
    await insertRows(admin, 'public', 'fact_sales_order', [
      {
        sales_order_id: 99,
        created_date: '2024-03-02',
        created_time: '09:00:00',
        last_updated_date: '2024-03-02',
        last_updated_time: '09:00:00',
        sales_staff_id: 1,
        counterparty_id: 1,
        units_sold: 10,
        unit_price: '1.00',
        currency_id: 1,
        design_id: 1,
        agreed_payment_date: '2024-03-02',
        agreed_delivery_date: '2024-03-02',
        agreed_delivery_location_id: 1,
      },
    ]);
    const cachedUntilTheLoad = await revenueOfGbp();
    const stream = await fetch(`${dashboard.url}events`);
    const reader = stream.body!.getReader();
    await nextEvent(reader, 'ready');

    const topics = Object.fromEntries(Object.values(TopicName).map((name) => [name, topicArn]));
    await createPublisher(sns, topics as Record<TopicName, string>, { stage }).publish(
      TopicName.loadComplete,
      loadedEvent('fact_sales_order', 'sales_order'),
    );
    const changed = JSON.parse(await nextEvent(reader, 'changed')) as { keys: string[] };
    await reader.cancel();

    expect(before).toBe('67.50');
    expect(cachedUntilTheLoad).toBe('67.50');
    expect(changed.keys).toEqual(['fact_sales_order', 'health']);
    expect(await revenueOfGbp()).toBe('77.50');
  });

  it('serves a panel alone, as the page fetches it again after a load', async () => {
    const response = await fetch(`${dashboard.url}panel/sales-top-designs?currency=GBP&top=2`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toMatch(/^<section class="panel" id="panel-sales-top-designs"/);
    expect(html).toContain('data-depends="fact_sales_order dim_currency dim_design"');
    expect(html).toContain('data-src="/panel/sales-top-designs?currency=GBP&amp;top=2"');
    expect(html).toContain('data-rows="2"');
  });

  it('removes its queue from the topic when it stops', async () => {
    const queueName = scopedName(stage, 'dashboard-stopping');
    const second = await startDashboard({
      warehouseUrl: postgres.url('warehouse'),
      schemas: { warehouse: 'public', state: 'totes' },
      health: { read: async () => report },
      events: { sns, sqs, topicArn, queueName },
    });
    const queuesWhileRunning = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: queueName }));

    await second.stop();
    const queuesAfter = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: queueName }));

    expect(queuesWhileRunning.QueueUrls ?? []).toHaveLength(1);
    expect(queuesAfter.QueueUrls ?? []).toHaveLength(0);
    await expect(fetch(second.url)).rejects.toThrow();
  });
});
