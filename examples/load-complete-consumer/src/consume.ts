import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ModelLoaded, RunCompleted } from '@totes/contracts';
import { z } from 'zod';

/** The two events of the load-complete topic. */
export const LoadCompleteEvent = z.discriminatedUnion('type', [ModelLoaded, RunCompleted]);
export type LoadCompleteEvent = z.infer<typeof LoadCompleteEvent>;

/**
 * Receives load-complete events from the team's queue once, hands each to `handle`, and acknowledges (deletes)
 * it only when `handle` succeeded; a failure leaves it on the queue to be received again. Returns what it handled.
 */
export async function consumeLoadComplete(options: {
  sqs: SQSClient;
  queueUrl: string;
  handle: (event: LoadCompleteEvent) => Promise<void>;
  waitTimeSeconds?: number;
}): Promise<LoadCompleteEvent[]> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 5,
    }),
  );
  const handled: LoadCompleteEvent[] = [];
  for (const message of Messages) {
    const event = LoadCompleteEvent.parse(JSON.parse(message.Body ?? ''));
    await options.handle(event);
    await options.sqs.send(
      new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    handled.push(event);
  }
  return handled;
}
