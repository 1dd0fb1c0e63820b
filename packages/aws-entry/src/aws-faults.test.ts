import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MessageType, newEnvelope } from '@totes/contracts';
import { LakeType, ServiceName, TopicName } from '@totes/model';
import { createLogger, FailureAttribute } from '@totes/runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { topicVariable } from './contract';
import { createLambdaRuntime } from './lambda-runtime';
import { createSqsHandler } from './sqs-batch';
import { queueEndpointOf, sqsRecord } from './testing';

// What a service's Lambda does when AWS fails in ways fauxqs cannot produce. The AWS clients are the real ones of
// the runtime with `send` mocked: each mocked rejection is what the SDK hands over once its own retries (proved in
// @totes/runtime's aws-retry.test.ts) are spent, or at once for an error no retry can fix.
const stage = 'test';
const queue = queueEndpointOf(stage, 'build-dim-currency');
const columns = [{ name: 'id', lake: LakeType.int32, nullable: false }] as const;
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

const awsError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });

const extracted = (parts: string[]) => ({
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
  type: MessageType.tableExtracted,
  table: 'currency',
  window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
  watermark: { lastUpdated: '2024-11-15T09:30:00.123', id: 7 },
  object: { key: 'raw/currency/x', parts, rows: 0, bytes: 0 },
});

/** A builder's shape over the real adapters: read the raw zone, write the processed zone, publish. */
function builderHandler() {
  const runtime = createLambdaRuntime({
    service: ServiceName.dimensionBuilder,
    env: {
      AWS_REGION: 'eu-west-2',
      TOTES_STAGE: stage,
      TOTES_WAREHOUSE_SCHEMA: 'totes_test',
      TOTES_STATE_SCHEMA: 'totes_test_state',
      TOTES_RAW_LAKE_URL: 's3://totes-test-raw/test',
      TOTES_PROCESSED_LAKE_URL: 's3://totes-test-processed/test',
      [topicVariable(TopicName.extracted)]: 'arn:aws:sns:eu-west-2:123456789012:totes-test-extracted',
    },
    logger: createLogger({}, { write: () => {} }),
  });
  const published: string[] = [];
  const handler = createSqsHandler(runtime, {
    accepts: [MessageType.tableExtracted],
    async handle(message) {
      for await (const _batch of runtime.lake().readColumns(message.object, columns)) {
        // Reading is the point: a failed get surfaces here.
      }
      await runtime.lake().writeDataset(`processed/currency/${message.id}`, columns, [[{ id: 1 }]]);
      await runtime.publisher().publish(TopicName.extracted, message);
      published.push(message.id);
    },
  });
  return { handler, published };
}

const sentTo = (url: string) =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.QueueUrl === url);
const reasonOf = (input: { MessageAttributes?: Record<string, { StringValue?: string }> } | undefined) =>
  JSON.parse(input?.MessageAttributes?.[FailureAttribute.failure]?.StringValue ?? '{}') as Record<
    string,
    string
  >;

beforeEach(() => {
  for (const client of [sqs, sns, s3]) client.reset();
  sqs.on(GetQueueUrlCommand).callsFake(({ QueueName }) => ({
    QueueUrl: QueueName === queue.arn.split(':')[5] ? queue.url : queue.deadLetterUrl,
  }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sent' });
  sns.on(PublishCommand).resolves({ MessageId: 'published' });
  s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
});

describe('a service Lambda when SNS throttles', () => {
  it.each(['ThrottlingException', 'Throttling'])(
    'reports the record for redelivery on %s past the SDK’s retries, and dead-letters nothing',
    async (code) => {
      sns.on(PublishCommand).rejects(awsError(code, 400, 'Rate exceeded'));
      const { handler, published } = builderHandler();
      const body = JSON.stringify(extracted([]));

      const response = await handler({ Records: [sqsRecord(queue, 'm1', body, { receiveCount: 2 })] });

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
      expect(published).toEqual([]);
      expect(sentTo(queue.deadLetterUrl)).toEqual([]);
    },
  );

  it('dead-letters the message whole, with the throttling named, on its last receive', async () => {
    sns.on(PublishCommand).rejects(awsError('ThrottlingException', 400, 'Rate exceeded'));
    const { handler } = builderHandler();
    const body = JSON.stringify(extracted([]));

    const response = await handler({ Records: [sqsRecord(queue, 'm1', body, { receiveCount: 5 })] });

    expect(response).toEqual({ batchItemFailures: [] });
    const [copy] = sentTo(queue.deadLetterUrl);
    expect(copy?.MessageBody).toBe(body);
    expect(reasonOf(copy)).toMatchObject({ errorCode: 'PUBLISH_FAILED', attempts: 5 });
    expect(reasonOf(copy).errorMessage).toContain('ThrottlingException');
  });
});

describe('a service Lambda when S3 slows down', () => {
  it.each([
    ['SlowDown', awsError('SlowDown', 503, 'Please reduce your request rate.')],
    ['a bare 503', awsError('ServiceUnavailable', 503, 'Service Unavailable')],
  ])('fails only the record whose get met %s; the others are handled', async (_what, error) => {
    s3.on(GetObjectCommand).rejects(error);
    const { handler, published } = builderHandler();
    const reading = extracted(['raw/currency/x/part-00000.parquet']);
    const empty = extracted([]);

    const response = await handler({
      Records: [
        sqsRecord(queue, 'reads', JSON.stringify(reading)),
        sqsRecord(queue, 'empty', JSON.stringify(empty)),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'reads' }] });
    expect(published).toEqual([empty.id]);
    expect(sentTo(queue.deadLetterUrl)).toEqual([]);
  });

  it.each([
    ['SlowDown', awsError('SlowDown', 503)],
    ['a bare 503', awsError('ServiceUnavailable', 503)],
  ])('reports the record for redelivery when its put meets %s, publishing nothing', async (_what, error) => {
    s3.on(PutObjectCommand).rejects(error);
    const { handler, published } = builderHandler();

    const response = await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted([])))] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(published).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});

describe('a service Lambda denied by AWS', () => {
  const kmsDenied = awsError(
    'AccessDenied',
    403,
    'User: arn:aws:sts::123456789012:assumed-role/totes-test-builder is not authorized to perform: kms:GenerateDataKey',
  );

  it('keeps a message whose put KMS denies on the queue until its last receive', async () => {
    s3.on(PutObjectCommand).rejects(kmsDenied);
    const { handler } = builderHandler();

    const response = await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted([])))] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sentTo(queue.deadLetterUrl)).toEqual([]);
  });

  it('dead-letters it then, whole, with the KMS denial in its reason, so it can be redriven once granted', async () => {
    s3.on(PutObjectCommand).rejects(kmsDenied);
    const { handler } = builderHandler();
    const body = JSON.stringify(extracted([]));

    await handler({ Records: [sqsRecord(queue, 'm1', body, { receiveCount: 5 })] });

    const [copy] = sentTo(queue.deadLetterUrl);
    expect(copy?.MessageBody).toBe(body);
    expect(reasonOf(copy)).toMatchObject({ errorCode: 'LAKE_WRITE_FAILED' });
    expect(reasonOf(copy).errorMessage).toContain('kms:GenerateDataKey');
  });

  it('reports the record for redelivery when an expired credential also fails the dead-letter send', async () => {
    const expired = awsError(
      'ExpiredTokenException',
      400,
      'The security token included in the request is expired',
    );
    sns.on(PublishCommand).rejects(expired);
    sqs.on(SendMessageCommand).rejects(expired);
    const { handler } = builderHandler();

    const response = await handler({
      Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted([])), { receiveCount: 5 })],
    });

    // Neither handled nor copied: the record stays on its queue for a container with fresh credentials.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('reports the record for redelivery when a rotated credential fails the queue lookup of its failure', async () => {
    sns.on(PublishCommand).rejects(awsError('InvalidClientTokenId', 403));
    sqs.on(GetQueueUrlCommand).rejects(awsError('InvalidClientTokenId', 403));
    const { handler } = builderHandler();

    const response = await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted([])))] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });
});

describe('a service Lambda whose dead-letter sends partly fail', () => {
  it('reports exactly the records whose copy was not sent, and no record that was', async () => {
    sqs
      .on(SendMessageCommand)
      .resolvesOnce({ MessageId: 'a' })
      .rejectsOnce(awsError('RequestThrottled', 400))
      .resolves({ MessageId: 'c' });
    const { handler } = builderHandler();
    // Malformed bodies can never succeed: each is dead-lettered at once.
    const records = ['a', 'b', 'c'].map((id) => sqsRecord(queue, id, `{"not": "${id}"}`));

    const response = await handler({ Records: records });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(sentTo(queue.deadLetterUrl).map((input) => input.MessageBody)).toEqual([
      '{"not": "a"}',
      '{"not": "b"}',
      '{"not": "c"}',
    ]);
  });
});
