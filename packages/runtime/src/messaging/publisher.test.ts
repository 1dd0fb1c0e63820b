import type { SNSClient } from '@aws-sdk/client-sns';
import {
  newEnvelope,
  openLineageProducer,
  openLineageSchemaUrl,
  type PlatformMessage,
  type RunCompleted,
} from '@totes/contracts';
import type { TopicName } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { lineageNamespaces } from '../lineage';
import { runCompletedMessage } from '../state/run-completed';
import { createPublisher, messageAttributesOf } from './publisher';

const envelope = newEnvelope({ runId: crypto.randomUUID(), causationId: null });
const object = { key: 'k', parts: ['k/part-00000.parquet'], rows: 1, bytes: 1 };
const text = (value: string) => ({ DataType: 'String', StringValue: value });
const namespaces = lineageNamespaces({
  stage: 'dev',
  sourceUrl: 'postgres://reader:s3cret@source.example:5432/totesys',
  warehouseUrl: 'postgres://loader:s3cret@warehouse.example:5432/dw',
  warehouseSchema: 'public',
  lakeUrl: 's3://totes-lake/dev',
});
const completed: RunCompleted = runCompletedMessage(
  {
    runId: envelope.runId,
    tables: ['staff'],
    models: ['dim_staff'],
    startedAt: new Date('2024-11-15T10:00:00.000Z'),
    watermarks: [],
  },
  { id: crypto.randomUUID(), runId: envelope.runId },
  namespaces,
  new Date('2024-11-15T10:00:01.000Z'),
);
const loaded = (eventType: 'COMPLETE' | 'FAIL'): PlatformMessage => ({
  ...envelope,
  type: 'model.loaded',
  eventType,
  eventTime: '2024-11-15T10:00:01.000Z',
  producer: openLineageProducer,
  schemaURL: openLineageSchemaUrl,
  run: { runId: crypto.randomUUID() },
  job: { namespace: namespaces.job, name: 'load.fact_payment' },
  inputs: [],
  outputs: [],
  model: 'fact_payment',
  kind: 'fact',
  table: 'payment',
  rows: { received: 2, written: 2 },
  firstDelivery: true,
  durationMs: 5,
});

describe('messageAttributesOf', () => {
  it.each<[string, PlatformMessage, Record<string, ReturnType<typeof text>>]>([
    [
      'a table change by type and table',
      {
        ...envelope,
        type: 'table.changed',
        table: 'staff',
        window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
        rows: 1,
      },
      { type: text('table.changed'), table: text('staff') },
    ],
    [
      'an extraction by type and table',
      {
        ...envelope,
        type: 'table.extracted',
        table: 'department',
        window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
        watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 1 },
        object,
      },
      { type: text('table.extracted'), table: text('department') },
    ],
    [
      'a build by type, table, model and kind',
      {
        ...envelope,
        type: 'model.built',
        model: 'dim_staff',
        kind: 'dimension',
        table: 'department',
        object,
      },
      {
        type: text('model.built'),
        table: text('department'),
        model: text('dim_staff'),
        kind: text('dimension'),
      },
    ],
    [
      'a load by type, table, model, kind and status',
      loaded('COMPLETE'),
      {
        type: text('model.loaded'),
        table: text('payment'),
        model: text('fact_payment'),
        kind: text('fact'),
        status: text('COMPLETE'),
      },
    ],
    [
      'a failed load with the status FAIL',
      loaded('FAIL'),
      {
        type: text('model.loaded'),
        table: text('payment'),
        model: text('fact_payment'),
        kind: text('fact'),
        status: text('FAIL'),
      },
    ],
    [
      'a load that begins with the status START',
      { ...loaded('COMPLETE'), type: 'model.loading', eventType: 'START' } as PlatformMessage,
      {
        type: text('model.loading'),
        table: text('payment'),
        model: text('fact_payment'),
        kind: text('fact'),
        status: text('START'),
      },
    ],
    [
      'a completed run by type, the kind run and its status',
      completed,
      { type: text('run.completed'), kind: text('run'), status: text('COMPLETE') },
    ],
    [
      'a run that begins by type, the kind run and the status START',
      { ...completed, type: 'run.started', eventType: 'START', tables: ['staff'] } as PlatformMessage,
      { type: text('run.started'), kind: text('run'), status: text('START') },
    ],
  ])('labels %s', (_case, message, attributes) => {
    expect(messageAttributesOf(message)).toEqual(attributes);
  });

  it('labels any message with the stage, when given one', () => {
    expect(messageAttributesOf(loaded('FAIL'), 'dev')).toEqual({
      type: text('model.loaded'),
      table: text('payment'),
      model: text('fact_payment'),
      kind: text('fact'),
      status: text('FAIL'),
      stage: text('dev'),
    });
    expect(messageAttributesOf(completed, 'prod')).toMatchObject({ kind: text('run'), stage: text('prod') });
  });
});

describe('createPublisher', () => {
  const topics = {
    'load-complete': 'arn:aws:sns:eu-west-2:000000000000:totes-dev-load-complete',
  } as Readonly<Record<TopicName, string>>;

  function fakeSns() {
    const sent: { TopicArn?: string; Message?: string; MessageAttributes?: Record<string, unknown> }[] = [];
    const sns = { send: async (command: { input: (typeof sent)[number] }) => sent.push(command.input) };
    return { sns: sns as unknown as SNSClient, sent };
  }

  it("publishes a message as JSON to its topic, labelled with the publisher's stage", async () => {
    const fake = fakeSns();

    await createPublisher(fake.sns, topics, { stage: 'dev' }).publish('load-complete', completed);

    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.TopicArn).toBe(topics['load-complete']);
    expect(JSON.parse(fake.sent[0]?.Message ?? '')).toEqual(completed);
    expect(fake.sent[0]?.MessageAttributes).toEqual(messageAttributesOf(completed, 'dev'));
    expect(fake.sent[0]?.MessageAttributes).toMatchObject({ stage: text('dev') });
  });

  it('leaves the stage out when the publisher has none', async () => {
    const fake = fakeSns();

    await createPublisher(fake.sns, topics).publish('load-complete', loaded('COMPLETE'));

    expect(fake.sent[0]?.MessageAttributes).not.toHaveProperty('stage');
  });

  it('refuses, before sending, a load-complete event without its OpenLineage fields', async () => {
    const fake = fakeSns();
    const { eventType: _dropped, ...withoutEventType } = completed;

    await expect(
      createPublisher(fake.sns, topics).publish('load-complete', withoutEventType as PlatformMessage),
    ).rejects.toThrow(/eventType/);
    expect(fake.sent).toEqual([]);
  });
});
