import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../packages/cli/test/harness';
import {
  consumeLoadComplete,
  type LoadCompleteEvent,
  subscribeToLoadComplete,
  trackLoadsInFlight,
} from '../src/index';

describe('a downstream consumer of load-complete events', () => {
  let t: TestPlatform;
  let sqs: SQSClient;
  let sns: SNSClient;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    await t.runOnce();
    const client = {
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    };
    sqs = new SQSClient(client);
    sns = new SNSClient(client);
  });
  afterAll(async () => {
    sqs?.destroy();
    sns?.destroy();
    await t?.dispose();
  });

  it('receives a START and an end per model load and for the run, tracks them in flight, and acknowledges them', async () => {
    const queueUrl = await subscribeToLoadComplete({
      sns,
      sqs,
      topicArn: t.platform.endpoints.topics['load-complete'],
      queueName: 'analytics-team',
    });
    await t.source.query(`UPDATE staff SET last_updated = now() WHERE staff_id = 1`);
    await t.source.query(`UPDATE design SET last_updated = now() WHERE design_id = 1`);
    const runId = await t.runOnce();

    const received: LoadCompleteEvent[] = [];
    const loads = trackLoadsInFlight();
    while (received.length < 6) {
      const batch = await consumeLoadComplete({
        sqs,
        queueUrl,
        waitTimeSeconds: 2,
        handle: async (event) => {
          received.push(event);
          loads.track(event);
        },
      });
      if (batch.length === 0) break;
    }
    const loadsOf = (type: string) =>
      received.flatMap((event) => (event.type === type && 'model' in event ? [event.model] : [])).sort();
    expect(loadsOf('model.loading')).toEqual(['dim_design', 'dim_staff']);
    expect(loadsOf('model.loaded')).toEqual(['dim_design', 'dim_staff']);
    const loaded = received.filter((event) => event.type === 'model.loaded');
    expect(loaded.every((event) => event.eventType === 'COMPLETE' && event.runId === runId)).toBe(true);
    expect(loaded[0]?.outputs[0]?.name).toMatch(/^warehouse\.public\.dim_/);
    expect(received.filter((event) => event.type === 'run.started')).toMatchObject([
      { eventType: 'START', job: { name: 'run' }, run: { runId }, tables: ['design', 'staff'] },
    ]);
    expect(received.filter((event) => event.type === 'run.completed')).toMatchObject([
      { eventType: 'COMPLETE', job: { name: 'run' }, run: { runId }, tables: ['design', 'staff'] },
    ]);
    expect(loads.inFlight()).toEqual([]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('receives only what its filter policy asks for: the ends of runs of this stage, no START', async () => {
    const queueUrl = await subscribeToLoadComplete({
      sns,
      sqs,
      topicArn: t.platform.endpoints.topics['load-complete'],
      queueName: 'finance-team',
      filter: { kind: ['run'], status: ['COMPLETE', 'FAIL'], stage: [t.config.stage] },
    });
    await t.source.query(`UPDATE design SET last_updated = now() WHERE design_id = 2`);
    await t.runOnce();
    const received = await consumeLoadComplete({ sqs, queueUrl, waitTimeSeconds: 2, handle: async () => {} });
    expect(received.map((event) => event.type)).toEqual(['run.completed']);
  });
});
