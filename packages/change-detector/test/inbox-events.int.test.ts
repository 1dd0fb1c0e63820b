import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createLambdaRuntime, type LambdaRuntimeOptions } from '@totes/aws-entry';
import { sqsRecord } from '@totes/aws-entry/testing';
import { ChangeKind, MessageType } from '@totes/contracts';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { platformTopology, ServiceName, TopicName } from '@totes/model';
import {
  type AwsClients,
  createAwsClients,
  createLogger,
  createPool,
  FailureAttribute,
  InvalidConfigError,
  provisionTopology,
  type TopologyEndpoints,
} from '@totes/runtime';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type DetectionSummary } from '../src/lambda';

// The detector's Lambda entry given an inbox on S3 (fauxqs): the inbox-events queue's batches, as the event source
// mapping delivers them, and the schedule's cycles, against the state schema in embedded PostgreSQL. fauxqs has no
// bucket notifications, so the events are written here as S3 writes them.
const stage = 'inboxev';
const bucket = 'totes-inboxev-inbox-000000000000';
const secretArnOf = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:000000000000:secret:totes-dev-${name}-AbCdEf`;

let postgres: TestPostgres;
let localAws: LocalAws;
let clients: AwsClients;
let endpoints: TopologyEndpoints;
let warehouse: pg.Pool;
let inboxDeadLetterUrl: string;
let handler: (event?: unknown) => Promise<DetectionSummary | SQSBatchResponse>;

beforeAll(async () => {
  [postgres, localAws] = await Promise.all([startTestPostgres(), startLocalAws()]);
  // The source is an empty database: its tables' detection fails, and the cycle goes on to the inbox.
  await Promise.all([postgres.ensureDatabase('totesys'), postgres.ensureDatabase('warehouse')]);
  localAws.createBucket(bucket);
  clients = createAwsClients({ region: 'us-east-1', endpoint: localAws.endpoint });
  endpoints = await provisionTopology({
    sns: clients.sns,
    sqs: clients.sqs,
    stage,
    topology: platformTopology(),
  });
  // The inbox's queues exist only on AWS (infra/bus.ts): made here as the deploy makes them.
  await clients.sqs.send(new CreateQueueCommand({ QueueName: `totes-${stage}-inbox-events` }));
  const dlq = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: `totes-${stage}-inbox-events-dlq` }),
  );
  inboxDeadLetterUrl = dlq.QueueUrl!;
  warehouse = createPool(postgres.url('warehouse'));
  handler = createHandler(
    createLambdaRuntime({
      service: ServiceName.changeDetector,
      // What infra/services.ts gives the detector, the inbox among it.
      env: {
        AWS_REGION: 'us-east-1',
        TOTES_STAGE: stage,
        TOTES_WAREHOUSE_SCHEMA: 'totes_inboxev',
        TOTES_STATE_SCHEMA: 'totes_inboxev_state',
        TOTES_SOURCE_SECRET_ARN: secretArnOf('source'),
        TOTES_WAREHOUSE_SECRET_ARN: secretArnOf('warehouse'),
        TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys',
        TOTES_INBOX_URL: `s3://${bucket}/inbox`,
        TOTES_TOPIC_CHANGES_ARN: endpoints.topics[TopicName.changes],
        TOTES_TOPIC_LOAD_COMPLETE_ARN: endpoints.topics[TopicName.loadComplete],
      },
      secrets: {
        read: async (id) => {
          if (id === secretArnOf('source')) return JSON.stringify({ url: postgres.url('totesys') });
          if (id === secretArnOf('warehouse')) return JSON.stringify({ url: postgres.url('warehouse') });
          throw new Error(`no secret ${id}`);
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
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

/** Puts an object into the bucket and returns the event S3 would send for it (ETag unquoted, key URL-encoded). */
async function put(key: string, body: string): Promise<string> {
  await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const head = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+'),
            size: head.ContentLength,
            eTag: head.ETag?.replaceAll('"', ''),
          },
        },
      },
    ],
  });
}

function batch(...bodies: string[]): SQSEvent {
  const queue = { arn: `arn:aws:sqs:us-east-1:000000000000:totes-${stage}-inbox-events` };
  // S3 notifications carry no message attributes.
  return {
    Records: bodies.map((body, index) => sqsRecord(queue, `m${index}`, body, { messageAttributes: {} })),
  };
}

describe('the detector’s inbox on AWS', () => {
  it('claims a notified file at once, and the next listing finds the same ledger entry, not a second version', async () => {
    const event = await put('inbox/design/new designs.csv', 'design_id\n1\n');

    const response = await handler(batch(event));
    const requested = (await drain(endpoints.queues['table-extractor']!.url)).map((m) => JSON.parse(m.Body!));
    const scheduled = (await handler({})) as DetectionSummary;
    const { rows } = await warehouse.query(
      'SELECT file_key, version, state, claim_id FROM totes_inboxev_state.inbox_file ORDER BY file_key, version',
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(requested).toEqual([
      expect.objectContaining({
        type: MessageType.tableChanged,
        kind: ChangeKind.file,
        table: 'design',
        file: expect.objectContaining({ key: 'design/new designs.csv', bytes: 12 }),
      }),
    ]);
    expect(rows).toEqual([
      {
        file_key: 'design/new designs.csv',
        version: requested[0].file.version,
        state: 'claimed',
        claim_id: requested[0].id,
      },
    ]);
    expect(scheduled.changed).toEqual([]);
  });

  it('lists the inbox on the schedule and claims a file whose event never came', async () => {
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'inbox/staff/s.csv', Body: 'staff_id\n1\n' }),
    );

    const summary = (await handler({})) as DetectionSummary;
    const requested = (await drain(endpoints.queues['table-extractor']!.url)).map((m) => JSON.parse(m.Body!));

    expect(summary.changed).toEqual(['staff']);
    expect(requested.map((message) => message.file.key)).toEqual(['staff/s.csv']);
  });

  it('dead-letters a malformed event alone, with the reason, and records the good ones of its batch; the test event names nothing', async () => {
    const good = await put('inbox/currency/c.csv', 'currency_id\n1\n');
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: bucket });

    const response = (await handler(batch('{"Records": "no"}', good, test))) as SQSBatchResponse;
    const requested = (await drain(endpoints.queues['table-extractor']!.url)).map((m) => JSON.parse(m.Body!));

    const deadLettered = await drain(inboxDeadLetterUrl);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(requested.map((message) => message.file.key)).toEqual(['currency/c.csv']);
    expect(deadLettered.map((message) => message.Body)).toEqual(['{"Records": "no"}']);
    expect(
      JSON.parse(deadLettered[0]!.MessageAttributes![FailureAttribute.failure]!.StringValue!),
    ).toMatchObject({
      errorName: 'MalformedInboxEventError',
      errorCode: 'MALFORMED_INBOX_EVENT',
      errorMessage: 'not an S3 event notification of the inbox: it has no Records',
      service: 'change-detector',
    });
  });
});

describe('the detector of an inbox-only stage on AWS (TOTES_SOURCE_LOCATION=none)', () => {
  const onlyBucket = 'totes-inboxonly-inbox-000000000000';
  /** What infra/services.ts gives the detector of an inbox-only stage: no source secret, the source `none`. */
  const inboxOnlyEnv = {
    AWS_REGION: 'us-east-1',
    TOTES_STAGE: stage,
    TOTES_WAREHOUSE_SCHEMA: 'totes_inboxonly',
    TOTES_STATE_SCHEMA: 'totes_inboxonly_state',
    TOTES_WAREHOUSE_SECRET_ARN: secretArnOf('warehouse'),
    TOTES_SOURCE_LOCATION: 'none',
    TOTES_INBOX_URL: `s3://${onlyBucket}/inbox`,
  };
  const secretsAsked: string[] = [];
  const runtimeOptions = (env: Record<string, string>): LambdaRuntimeOptions => ({
    service: ServiceName.changeDetector,
    env: {
      ...env,
      TOTES_TOPIC_CHANGES_ARN: endpoints.topics[TopicName.changes],
      TOTES_TOPIC_LOAD_COMPLETE_ARN: endpoints.topics[TopicName.loadComplete],
    },
    secrets: {
      read: async (id) => {
        secretsAsked.push(id);
        if (id === secretArnOf('warehouse')) return JSON.stringify({ url: postgres.url('warehouse') });
        throw new Error(`no secret ${id}`);
      },
    },
    awsEndpoint: localAws.endpoint,
    logger: createLogger({}, { write: () => {} }),
  });

  it('lists the inbox alone, asks no table of a source, and claims what it finds, with no table failing', async () => {
    localAws.createBucket(onlyBucket);
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: onlyBucket,
        Key: 'inbox/payment_type/p.csv',
        Body: 'payment_type_id\n1\n',
      }),
    );
    const inboxOnly = createHandler(createLambdaRuntime(runtimeOptions(inboxOnlyEnv)));

    const summary = (await inboxOnly({})) as DetectionSummary;
    const requested = (await drain(endpoints.queues['table-extractor']!.url)).map((m) => JSON.parse(m.Body!));

    expect(summary).toMatchObject({ changed: ['payment_type'], failed: [], cycles: 1 });
    expect(requested).toEqual([
      expect.objectContaining({
        kind: ChangeKind.file,
        file: expect.objectContaining({ key: 'payment_type/p.csv' }),
      }),
    ]);
    // The stage with a source fails every table of its empty source; this one never asks for the source's secret.
    expect(secretsAsked).toEqual([secretArnOf('warehouse')]);
  });

  it('refuses to run without the inbox, its only input, before it opens anything', async () => {
    const { TOTES_INBOX_URL: _inbox, ...withoutInbox } = inboxOnlyEnv;
    const asked = secretsAsked.length;
    const noInbox = createHandler(createLambdaRuntime(runtimeOptions(withoutInbox)));

    await expect(noInbox({})).rejects.toThrow(InvalidConfigError);
    await expect(noInbox({})).rejects.toThrow(
      'TOTES_SOURCE_LOCATION=none: the stage reads its inbox alone, but TOTES_INBOX_URL is not set',
    );
    expect(secretsAsked).toHaveLength(asked);
  });
});
