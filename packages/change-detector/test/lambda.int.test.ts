import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createLambdaRuntime } from '@totes/aws-entry';
import { MessageType } from '@totes/contracts';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { platformTopology, ServiceName, sourceTableNames, TopicName } from '@totes/model';
import {
  type AwsClients,
  createAwsClients,
  createLogger,
  createPool,
  provisionTopology,
  type TopologyEndpoints,
} from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDetectorHandler, type DetectionSummary } from '../src/lambda';

// The scheduled entry, invoked as EventBridge Scheduler invokes it, against a seeded totesys and the warehouse's
// state schema in embedded PostgreSQL, publishing to SNS (fauxqs).
const stage = 'lambda';
const secretArnOf = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:000000000000:secret:totes-dev-${name}-AbCdEf`;

let postgres: TestPostgres;
let localAws: LocalAws;
let clients: AwsClients;
let endpoints: TopologyEndpoints;
let warehouse: pg.Pool;
let handler: (event?: unknown) => Promise<DetectionSummary>;
let probeUrl: string;

beforeAll(async () => {
  [postgres, localAws] = await Promise.all([startTestPostgres(), startLocalAws()]);
  await Promise.all([postgres.ensureDatabase('totesys'), postgres.ensureDatabase('warehouse')]);
  await seedTotesys(postgres.url('totesys'), { seed: 7, scale: 0.01 });
  clients = createAwsClients({ region: 'us-east-1', endpoint: localAws.endpoint });
  // Besides the platform's queues, a probe that hears everything published to load-complete.
  const topology = platformTopology();
  endpoints = await provisionTopology({
    sns: clients.sns,
    sqs: clients.sqs,
    stage,
    topology: {
      ...topology,
      queues: [
        ...topology.queues,
        {
          name: 'probe',
          topic: TopicName.loadComplete,
          consumer: ServiceName.changeDetector,
          deadLetterQueue: 'probe-dlq',
          maxReceiveCount: 5,
        },
      ],
    },
  });
  probeUrl = endpoints.queues.probe!.url;
  warehouse = createPool(postgres.url('warehouse'));
  const urls: Record<string, string> = {
    [secretArnOf('source')]: postgres.url('totesys'),
    [secretArnOf('warehouse')]: postgres.url('warehouse'),
  };
  handler = createDetectorHandler(
    createLambdaRuntime({
      service: ServiceName.changeDetector,
      // What infra/services.ts gives the detector: both secrets' ARNs, the source's location (no credentials) and
      // the `changes` and `load-complete` topics, nothing else.
      env: {
        AWS_REGION: 'us-east-1',
        TOTES_STAGE: stage,
        TOTES_WAREHOUSE_SCHEMA: 'totes_lambda',
        TOTES_STATE_SCHEMA: 'totes_lambda_state',
        TOTES_SOURCE_SECRET_ARN: secretArnOf('source'),
        TOTES_WAREHOUSE_SECRET_ARN: secretArnOf('warehouse'),
        TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys',
        TOTES_TOPIC_CHANGES_ARN: endpoints.topics[TopicName.changes],
        TOTES_TOPIC_LOAD_COMPLETE_ARN: endpoints.topics[TopicName.loadComplete],
      },
      secrets: {
        read: async (id) => {
          const url = urls[id];
          if (!url) throw new Error(`no secret ${id}`);
          return JSON.stringify({ url });
        },
      },
      awsEndpoint: localAws.endpoint,
      logger: createLogger({}, { write: () => {} }),
    }),
  );
});

afterAll(async () => {
  await warehouse?.end();
  await localAws?.stop();
  await postgres?.dispose();
});

async function drain(queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

describe('the change-detector Lambda entry', () => {
  it('runs one detection cycle per scheduled invocation, asking the extractor for every changed table once', async () => {
    const first = await handler({});
    const requested = await drain(endpoints.queues['table-extractor']!.url);

    expect([...first.changed].sort()).toEqual([...sourceTableNames].sort());
    expect(first.failed).toEqual([]);
    expect(
      requested.map((message) => JSON.parse(message.Body!)).map((body) => [body.type, body.runId]),
    ).toEqual(sourceTableNames.map(() => [MessageType.tableChanged, first.runId]));

    // The claims live in the stage's state schema: the next cycle does not ask again while they are in flight.
    const second = await handler({});
    expect(second.changed).toEqual([]);
    const announced = (await drain(probeUrl)).map((message) => JSON.parse(message.Body!));
    expect(announced).toEqual([
      expect.objectContaining({
        type: MessageType.runStarted,
        eventType: 'START',
        run: { runId: first.runId },
        job: { namespace: `totes-${stage}`, name: 'run' },
        tables: first.changed,
      }),
    ]);
    expect(announced[0].inputs).toContainEqual({
      namespace: 'postgres://totesys.internal:5432',
      name: 'totesys.public.staff',
    });
    const { rows } = await warehouse.query(
      'SELECT count(*)::int AS claims FROM totes_lambda_state.watermark WHERE claimed_up_to IS NOT NULL',
    );
    expect(rows).toEqual([{ claims: sourceTableNames.length }]);
  });
  it('reports every source table’s lag once an invocation has detected: 0 for a table no unfinished run holds', async () => {
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });

    try {
      await handler({});
    } finally {
      stdout.mockRestore();
    }

    const lags = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"SourceLagSeconds"'))
      .map((line) => JSON.parse(line) as { stage: string; table: string; SourceLagSeconds: number });
    const { rows } = await warehouse.query<{ tables: string[] }>(
      'SELECT tables FROM totes_lambda_state.run WHERE completed_at IS NULL AND abandoned_at IS NULL',
    );
    const unfinished = new Set(rows.flatMap((row) => row.tables));
    expect(lags.map((lag) => lag.table).sort()).toEqual([...sourceTableNames].sort());
    for (const lag of lags) {
      expect(lag.stage).toBe(stage);
      if (unfinished.has(lag.table)) expect(lag.SourceLagSeconds, lag.table).toBeGreaterThan(0);
      else expect(lag.SourceLagSeconds, lag.table).toBe(0);
    }
  });
});
