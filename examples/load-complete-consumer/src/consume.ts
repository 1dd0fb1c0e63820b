import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LoadCompleteEvent } from '@totes/contracts';

export { LoadCompleteEvent };

/**
 * Receives load-complete events from the team's queue once, hands each to `handle`, and acknowledges (deletes)
 * it only when `handle` succeeded; a failure leaves it on the queue to be received again. Returns what it handled.
 * The events are the START of a load or a run (`model.loading`, `run.started`) and its end (`model.loaded`,
 * `run.completed`); a queue subscribed with `status: ['COMPLETE', 'FAIL']` receives only the ends.
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
