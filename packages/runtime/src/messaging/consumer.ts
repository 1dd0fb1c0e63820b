import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { KillStep, killPoint } from '../kill-point';
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
  /** The queue's visibility timeout; read from the queue when not given. */
  visibilityTimeoutSeconds?: number;
  /**
   * How long a message may be kept invisible while handled: past it, the message is given up to the queue (retried
   * elsewhere, and counted towards its redrive) and its slot freed, so a handler that hangs cannot hold it forever.
   * Twenty visibility timeouts by default.
   */
  maxHandlingSeconds?: number;
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
 * visibility timeout retries it and the redrive policy dead-letters it after too many receives. A message still being
 * handled is kept invisible (its visibility extended every half timeout), so a long one (a large table's window)
 * is never handed to a second worker, nor dead-lettered for its length.
 */
export function startConsumer(options: ConsumerOptions): Consumer {
  const { sqs, queueUrl, handle, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const abort = new AbortController();
  let inFlight = 0;
  const visibility = visibilityTimeoutOf(options);

  const handleOne = async (message: Message) => {
    inFlight += 1;
    const heartbeat = keepInvisible(sqs, queueUrl, message, visibility, logger);
    const limit = handlingLimit(visibility, options.maxHandlingSeconds);
    try {
      const outcome = await Promise.race([handle(message).then(() => 'handled' as const), limit.reached]);
      if (outcome === 'overran') {
        logger.error('message handled for too long; given back to the queue for retry', {
          messageId: message.MessageId,
          receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
        });
        return;
      }
      killPoint(KillStep.beforeDelete);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      logger.warn('message failed; left on the queue for retry', {
        messageId: message.MessageId,
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
        error,
      });
    } finally {
      limit.clear();
      heartbeat.stop();
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

function visibilityTimeoutOf(options: ConsumerOptions): Promise<number> {
  if (options.visibilityTimeoutSeconds !== undefined)
    return Promise.resolve(options.visibilityTimeoutSeconds);
  return options.sqs
    .send(
      new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['VisibilityTimeout'] }),
    )
    .then((found) => Number(found.Attributes?.VisibilityTimeout ?? 30))
    .catch(() => 30);
}

/** Extends a message's visibility every half timeout until stopped; a failed extension is only logged. */
function keepInvisible(
  sqs: SQSClient,
  queueUrl: string,
  message: Message,
  visibility: Promise<number>,
  logger: Logger,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  void visibility.then((seconds) => {
    if (stopped || seconds < 2) return;
    timer = setInterval(
      () => {
        sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: seconds,
            }),
          )
          .catch((error: unknown) =>
            logger.warn('could not extend the visibility of a message in hand', {
              messageId: message.MessageId,
              error,
            }),
          );
      },
      (seconds * 1000) / 2,
    );
  });
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** Settles to 'overran' once a message has been handled for `maxSeconds` (twenty visibility timeouts by default). */
function handlingLimit(
  visibility: Promise<number>,
  maxSeconds: number | undefined,
): { reached: Promise<'overran'>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cleared = false;
  const reached = new Promise<'overran'>((resolve) => {
    void visibility.then((seconds) => {
      if (!cleared) timer = setTimeout(() => resolve('overran'), (maxSeconds ?? seconds * 20) * 1000);
    });
  });
  return {
    reached,
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}
