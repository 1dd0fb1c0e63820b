import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../logger';

/** Handles one message. Throwing fails only this message: it stays on the queue and the redrive policy decides. */
export type MessageHandler = (message: Message) => Promise<void>;

export interface ConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handle: MessageHandler;
  logger: Logger;
  /** Messages handled at once. */
  concurrency?: number;
  /** Long-poll wait. */
  waitTimeSeconds?: number;
}

/** A running consumer loop. */
export interface Consumer {
  /** Messages being handled right now. */
  readonly inFlight: number;
  /** Stops receiving, then waits for the messages in hand to finish. */
  stop(): Promise<void>;
}

/**
 * Long-polls a queue and hands each message to `handle`: deleted on success, left to the queue on failure, so the
 * visibility timeout retries it and the redrive policy dead-letters it after too many receives.
 */
export function startConsumer(options: ConsumerOptions): Consumer {
  const { sqs, queueUrl, handle, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const abort = new AbortController();
  let inFlight = 0;

  const handleOne = async (message: Message) => {
    inFlight += 1;
    try {
      await handle(message);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      logger.warn('message failed; left on the queue for retry', {
        messageId: message.MessageId,
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
        error,
      });
    } finally {
      inFlight -= 1;
    }
  };

  // Each message frees its slot as soon as it is handled, and a free slot is filled at once: a long message does
  // not hold back the short ones received with it.
  const loop = async () => {
    const handling = new Set<Promise<void>>();
    while (!abort.signal.aborted) {
      if (handling.size >= concurrency) {
        await Promise.race(handling);
        continue;
      }
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, concurrency - handling.size),
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: [
              'ApproximateReceiveCount',
              'ApproximateFirstReceiveTimestamp',
              'SentTimestamp',
            ],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        for (const message of received.Messages ?? []) {
          const handled: Promise<void> = handleOne(message).finally(() => handling.delete(handled));
          handling.add(handled);
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        logger.error('receive failed; retrying', { error });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    await Promise.all(handling);
  };
  const running = loop();

  return {
    get inFlight() {
      return inFlight;
    },
    async stop() {
      abort.abort();
      await running;
    },
  };
}
