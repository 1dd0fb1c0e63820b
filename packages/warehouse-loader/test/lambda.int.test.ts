import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { createLambdaRuntime, type SqsHandler } from '@totes/aws-entry';
import { MessageType, type ModelBuilt, newEnvelope } from '@totes/contracts';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import {
  findModel,
  platformTopology,
  processedColumnsOf,
  ServiceName,
  sourceTableNames,
  TopicName,
} from '@totes/model';
import {
  type AwsClients,
  createAwsClients,
  createLake,
  createLogger,
  createPool,
  createPublisher,
  createRunLedger,
  FailureAttribute,
  processedKey,
  provisionTopology,
  type TopologyEndpoints,
} from '@totes/runtime';
import type { SQSRecord } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWarehouseLoaderHandler } from '../src/lambda';

// The Lambda entry, driven as AWS drives it: an SQS event built from messages received from a real queue (fauxqs),
// the warehouse in embedded PostgreSQL, the processed zone in an S3 bucket (fauxqs), the same core as locally.
const stage = 'lambda';
const bucket = 'totes-lambda-processed';
const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:totes-dev-warehouse-AbCdEf';
const dimCurrency = findModel('dim_currency')!;

let postgres: TestPostgres;
let localAws: LocalAws;
let clients: AwsClients;
let endpoints: TopologyEndpoints;
let warehouse: pg.Pool;
let handler: SqsHandler;
let probeUrl: string;

beforeAll(async () => {
  [postgres, localAws] = await Promise.all([startTestPostgres(), startLocalAws()]);
  await postgres.ensureDatabase('warehouse');
  localAws.createBucket(bucket);
  clients = createAwsClients({ region: 'us-east-1', endpoint: localAws.endpoint });
  endpoints = await provisionTopology({
    sns: clients.sns,
    sqs: clients.sqs,
    stage,
    topology: platformTopology(),
  });
  probeUrl = await subscribeProbe(endpoints.topics[TopicName.loadComplete]);
  warehouse = createPool(postgres.url('warehouse'));
  const runtime = createLambdaRuntime({
    service: ServiceName.warehouseLoader,
    // Exactly what infra/services.ts gives the loader: names, URLs and ARNs, never a credential.
    env: {
      AWS_REGION: 'us-east-1',
      TOTES_STAGE: stage,
      TOTES_WAREHOUSE_SCHEMA: 'totes_lambda',
      TOTES_STATE_SCHEMA: 'totes_lambda_state',
      TOTES_PROCESSED_LAKE_URL: `s3://${bucket}/${stage}`,
      TOTES_WAREHOUSE_SECRET_ARN: secretArn,
      TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys',
      TOTES_TOPIC_LOAD_COMPLETE_ARN: endpoints.topics[TopicName.loadComplete],
    },
    // Secrets Manager is the one AWS service fauxqs does not emulate: the secret is read through this port.
    secrets: {
      read: async (id) => {
        if (id !== secretArn) throw new Error(`no secret ${id}`);
        return JSON.stringify({ url: postgres.url('warehouse') });
      },
    },
    awsEndpoint: localAws.endpoint,
    logger: createLogger({}, { write: () => {} }),
  });
  handler = createWarehouseLoaderHandler(runtime);
});

afterAll(async () => {
  await warehouse?.end();
  await localAws?.stop();
  await postgres?.dispose();
});

async function subscribeProbe(topicArn: string): Promise<string> {
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'totes-lambda-probe' }));
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes!.QueueArn!,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return QueueUrl!;
}

/** Writes one currency row to the processed zone and publishes its `model.built` to the `built` topic. */
async function publishBuiltCurrency(
  code: string,
  options: { missingParts?: boolean; runId?: string; extractionId?: string } = {},
): Promise<ModelBuilt> {
  const lake = createLake(`s3://${bucket}/${stage}`, { s3Client: clients.s3 });
  const cause = crypto.randomUUID();
  const object = await lake.writeDataset(
    processedKey(dimCurrency.name, cause, '2024-11-15'),
    processedColumnsOf(dimCurrency),
    [
      [
        {
          currency_id: code.charCodeAt(0),
          currency_code: code,
          currency_name: code,
          _source_version: '2024-11-15T09:30:00.123',
        },
      ],
    ],
  );
  const built: ModelBuilt = {
    ...newEnvelope({
      runId: options.runId ?? crypto.randomUUID(),
      causationId: options.extractionId ?? null,
    }),
    type: MessageType.modelBuilt,
    model: dimCurrency.name,
    kind: 'dimension',
    table: 'currency',
    object: options.missingParts ? { ...object, parts: [`${object.key}/part-00099.parquet`] } : object,
  };
  await createPublisher(clients.sns, endpoints.topics).publish(TopicName.built, built);
  return built;
}

async function receiveAll(queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  for (let attempt = 0; attempt < 10 && messages.length < count; attempt++) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
  }
  return messages;
}

/** A received SQS message as the record Lambda's event source mapping hands the function. */
function lambdaRecord(message: Message, queueArn: string): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: message.Attributes?.SenderId ?? 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp:
        message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType!,
          stringValue: value.StringValue,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody!,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

const loaderQueue = () => endpoints.queues['warehouse-loader']!;

/** Invokes the handler as the event source mapping does: the records not reported as failures are deleted. */
async function invoke(records: SQSRecord[]) {
  const response = await handler({ Records: records });
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  for (const record of records.filter((entry) => !failed.has(entry.messageId))) {
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: loaderQueue().url, ReceiptHandle: record.receiptHandle }),
    );
  }
  return response;
}

describe('the warehouse-loader Lambda entry', () => {
  it('loads a built message from its queue with the same core, and dead-letters a malformed record beside it', async () => {
    const built = await publishBuiltCurrency('GBP');
    const malformedBody = '{"type":"model.built","version":1}';
    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: loaderQueue().url, MessageBody: malformedBody }),
    );
    const records = (await receiveAll(loaderQueue().url, 2)).map((message) =>
      lambdaRecord(message, loaderQueue().arn),
    );

    const response = await invoke(records);

    expect(response).toEqual({ batchItemFailures: [] });
    const { rows } = await warehouse.query('SELECT currency_code FROM totes_lambda.dim_currency');
    expect(rows).toEqual([{ currency_code: 'GBP' }]);
    const ledger = await warehouse.query('SELECT message_id FROM totes_lambda_state.load_ledger');
    expect(ledger.rows).toEqual([{ message_id: built.id }]);
    const [deadLettered] = await receiveAll(loaderQueue().deadLetterUrl, 1);
    expect(records.map((record) => record.body)).toContain(malformedBody);
    expect(deadLettered?.Body).toBe(malformedBody);
    expect(deadLettered?.MessageAttributes?.[FailureAttribute.errorCode]?.StringValue).toBe(
      'MESSAGE_REJECTED',
    );
    const announced = (await receiveAll(probeUrl, 2)).map((message) => JSON.parse(message.Body!));
    const byType = (type: string) => announced.filter((event) => event.type === type);
    expect(byType(MessageType.modelLoading)).toEqual([
      expect.objectContaining({ model: 'dim_currency', eventType: 'START' }),
    ]);
    expect(byType(MessageType.modelLoaded)).toEqual([
      expect.objectContaining({ model: 'dim_currency', eventType: 'COMPLETE' }),
    ]);
    expect(byType(MessageType.modelLoading)[0].run.runId).toBe(byType(MessageType.modelLoaded)[0].run.runId);
    // The processed lake is `s3://<bucket>/<stage>`: the bucket is the namespace, the prefix is in the name.
    expect(byType(MessageType.modelLoaded)[0].inputs[1]).toMatchObject({
      namespace: `s3://${bucket}`,
      name: expect.stringMatching(new RegExp(`^${stage}/processed/dim_currency/`)),
    });
  });

  it('reports only the record whose load failed for a reason worth retrying, and loads the other', async () => {
    const missing = await publishBuiltCurrency('USD', { missingParts: true });
    const present = await publishBuiltCurrency('EUR');
    const received = await receiveAll(loaderQueue().url, 2);
    const records = received.map((message) => lambdaRecord(message, loaderQueue().arn));
    const idOf = (record: SQSRecord) => (JSON.parse(record.body) as { id: string }).id;

    const response = await invoke(records);

    expect(records.map(idOf).sort()).toEqual([missing.id, present.id].sort());
    const failed = records.find((record) => idOf(record) === missing.id)!;
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failed.messageId }] });
    const { rows } = await warehouse.query(
      "SELECT currency_code FROM totes_lambda.dim_currency WHERE currency_code IN ('USD', 'EUR')",
    );
    expect(rows).toEqual([{ currency_code: 'EUR' }]);
  });

  it('publishes the lag of each source table of a completed run as EMF, for the freshness alarms', async () => {
    const runs = createRunLedger(warehouse, 'totes_lambda_state', sourceTableNames);
    const [runId, extractionId] = [crypto.randomUUID(), crypto.randomUUID()];
    await runs.startRun(runId, ['currency']);
    await runs.recordExtraction({
      extractionId,
      runId,
      table: 'currency',
      windowAfter: null,
      lastRow: { lastUpdated: '2024-11-15T09:30:00.123', id: 1 },
      rows: 1,
      models: [dimCurrency.name],
    });
    await publishBuiltCurrency('JPY', { runId, extractionId });
    const records = (await receiveAll(loaderQueue().url, 1)).map((message) =>
      lambdaRecord(message, loaderQueue().arn),
    );
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });

    try {
      await invoke(records);
    } finally {
      stdout.mockRestore();
    }

    const emf = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"SourceLagSeconds"'))
      .map((line) => JSON.parse(line));
    expect(emf).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({ Namespace: 'Totes', Dimensions: [['stage', 'table']] }),
          ],
        }),
        stage,
        table: 'currency',
        SourceLagSeconds: expect.any(Number),
      }),
    ]);
  });
});
