import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { startConsumer } from './consumer';

describe('startConsumer (fauxqs)', () => {
  let server: FauxqsServer;
  let sqs: SQSClient;
  beforeAll(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    sqs = new SQSClient({
      endpoint: server.address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    sqs?.destroy();
    await server?.stop();
  });

  it('keeps a message that takes longer than the visibility timeout in one worker, and deletes it once', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'slow', Attributes: { VisibilityTimeout: '2' } }),
    );
    const queueUrl = QueueUrl as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a long one' }));
    const handled: string[] = [];
    const consumer = startConsumer({
      sqs,
      queueUrl,
      logger: createLogger({}, { write: () => {} }),
      concurrency: 2,
      handle: async (message) => {
        handled.push(message.Body ?? '');
        await new Promise((resolve) => setTimeout(resolve, 5000));
      },
    });

    await new Promise((resolve) => setTimeout(resolve, 7000));
    await consumer.stop();

    expect(handled).toEqual(['a long one']);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  }, 20_000);

  it('gives a message whose handler hangs back to the queue after its longest handling time, and frees the slot', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'hangs', Attributes: { VisibilityTimeout: '1' } }),
    );
    const queueUrl = QueueUrl as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hangs the first time' }));
    let receives = 0;
    const consumer = startConsumer({
      sqs,
      queueUrl,
      logger: createLogger({}, { write: () => {} }),
      concurrency: 1,
      maxHandlingSeconds: 2,
      handle: async () => {
        receives += 1;
        if (receives === 1) await new Promise(() => {});
      },
    });

    await new Promise((resolve) => setTimeout(resolve, 6000));
    await consumer.stop();

    expect(receives).toBe(2);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  }, 20_000);
});
