import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { UnknownQueueError } from './errors';
import { createQueueResolver } from './queues';

function recordingSqs() {
  const asked: unknown[] = [];
  const sqs = {
    send: async (command: { input: { QueueName: string; QueueOwnerAWSAccountId: string } }) => {
      asked.push(command.input);
      return {
        QueueUrl: `https://sqs.example/${command.input.QueueOwnerAWSAccountId}/${command.input.QueueName}`,
      };
    },
  } as unknown as SQSClient;
  return { sqs, asked };
}

const arn = 'arn:aws:sqs:eu-west-2:123456789012:totes-pr-42-build-dim-staff';

describe('createQueueResolver', () => {
  it('finds a record’s queue in the topology, with the model it carries and its redrive', () => {
    const { sqs } = recordingSqs();

    expect(createQueueResolver(sqs, 'pr-42').specOf(arn)).toMatchObject({
      name: 'build-dim-staff',
      model: 'dim_staff',
      consumer: 'dimension-builder',
      maxReceiveCount: 5,
    });
  });

  it('looks up the queue’s and its dead-letter queue’s URLs once per container', async () => {
    const { sqs, asked } = recordingSqs();
    const resolver = createQueueResolver(sqs, 'pr-42');

    const first = await resolver.endpointOf(arn);
    await resolver.endpointOf(arn);

    expect(first).toMatchObject({
      url: 'https://sqs.example/123456789012/totes-pr-42-build-dim-staff',
      deadLetterUrl: 'https://sqs.example/123456789012/totes-pr-42-build-dim-staff-dlq',
      deadLetterArn: `${arn}-dlq`,
    });
    expect(asked).toHaveLength(2);
  });

  it.each([
    ['another stage’s queue', 'arn:aws:sqs:eu-west-2:123456789012:totes-pr-43-build-dim-staff'],
    ['a queue outside the topology', 'arn:aws:sqs:eu-west-2:123456789012:totes-pr-42-orders'],
    ['not a queue ARN', 'arn:aws:sns:eu-west-2:123456789012:totes-pr-42-build-dim-staff'],
  ])('refuses %s', async (_case, queueArn) => {
    const { sqs, asked } = recordingSqs();
    const resolver = createQueueResolver(sqs, 'pr-42');

    expect(() => resolver.specOf(queueArn)).toThrow(UnknownQueueError);
    await expect(resolver.endpointOf(queueArn)).rejects.toThrow(UnknownQueueError);
    expect(asked).toEqual([]);
  });
});
