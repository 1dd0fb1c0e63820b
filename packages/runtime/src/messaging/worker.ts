import { type Message, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type PlatformMessage, parseMessage } from '@totes/contracts';
import { isPermanent, RejectedMessageError } from '../errors';
import type { Logger } from '../logger';
import { redactSecrets } from '../redact';
import { type Consumer, startConsumer } from './consumer';
import type { QueueEndpoint } from './provision';

/** Message attributes that carry why a message was dead-lettered. */
export const FailureAttribute = {
  /** The whole {@link FailureReason}, as JSON: one attribute, so a message stays within SQS's ten. */
  failure: 'totes-failure',
  /** The error code alone, for a quick look in a console. */
  errorCode: 'totes-error-code',
  deferrals: 'totes-deferrals',
} as const;

/** Why a message was dead-lettered, kept with it. */
export interface FailureReason {
  readonly errorName: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** The first lines of the stack, secrets redacted. */
  readonly stack: string;
  readonly service: string;
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly failedAt: string;
}

type MessageOf<T extends PlatformMessage['type']> = Extract<PlatformMessage, { type: T }>;

/**
 * Parses a raw body into one of the accepted message types, or throws a {@link RejectedMessageError} with a
 * readable reason.
 */
export function acceptMessage<T extends PlatformMessage['type']>(
  body: string | undefined,
  accepts: readonly T[],
): MessageOf<T> {
  const parsed = parseMessage(body ?? '', accepts);
  if (!parsed.ok) throw new RejectedMessageError(parsed.reason, `rejected message: ${parsed.detail}`);
  return parsed.message as MessageOf<T>;
}

export interface WorkerOptions<T extends PlatformMessage['type']> {
  service: string;
  sqs: SQSClient;
  queue: QueueEndpoint;
  accepts: readonly T[];
  logger: Logger;
  concurrency?: number;
  handle: (message: MessageOf<T>, logger: Logger) => Promise<void>;
  /** Told of a message moved to the dead-letter queue, e.g. to announce a failed load. */
  onDeadLetter?: (raw: Message, error: Error) => Promise<void>;
}

/** What to do with a message whose handling failed. */
export type FailureAction =
  | { readonly kind: 'retry' }
  | { readonly kind: 'defer'; readonly deferrals: number; readonly delaySeconds: number }
  | { readonly kind: 'deadLetter' };

/**
 * Decides a failed message's fate: an error that asks to wait is deferred (up to {@link maxDeferrals} times); an
 * error that can never succeed, or a failure on the last receive the queue allows, is dead-lettered by the worker
 * itself, so the reason travels with the message; anything else is left to the queue to retry.
 */
export function failureAction(error: unknown, raw: Message, maxReceiveCount: number): FailureAction {
  const deferSeconds = deferSecondsOf(error);
  const deferrals = deferralsOf(raw);
  if (deferSeconds !== undefined && deferrals < maxDeferrals) {
    return {
      kind: 'defer',
      deferrals: deferrals + 1,
      delaySeconds: Math.min(900, deferSeconds * 2 ** Math.min(deferrals, 4)),
    };
  }
  if (isPermanent(error) || deferSeconds !== undefined || receiveCountOf(raw) >= maxReceiveCount) {
    return { kind: 'deadLetter' };
  }
  return { kind: 'retry' };
}

function receiveCountOf(raw: Message): number {
  return Number(raw.Attributes?.ApproximateReceiveCount ?? 1);
}

/**
 * The local poller of a service: consumes its queue, validates each message against the contracts and hands it to
 * the service's core. A message that can never succeed goes straight to the dead-letter queue with its reason;
 * any other failure is left to the queue's retries and redrive.
 */
export function startWorker<T extends PlatformMessage['type']>(options: WorkerOptions<T>): Consumer {
  const { sqs, queue, logger } = options;
  return startConsumer({
    sqs,
    queueUrl: queue.url,
    logger,
    concurrency: options.concurrency ?? 4,
    handle: async (raw) => {
      const started = Date.now();
      try {
        const message = acceptMessage(raw.Body, options.accepts);
        const log = logger.child({ runId: message.runId, messageId: message.id, type: message.type });
        await options.handle(message, log);
        log.debug('handled', { durationMs: Date.now() - started });
      } catch (error) {
        const action = failureAction(error, raw, queue.spec.maxReceiveCount);
        if (action.kind === 'retry') throw error;
        if (action.kind === 'defer') {
          logger.info('message deferred', {
            messageId: raw.MessageId,
            deferrals: action.deferrals,
            delaySeconds: action.delaySeconds,
            reason: (error as Error).message,
          });
          await defer(sqs, queue, raw, action.deferrals, action.delaySeconds);
          return;
        }
        logger.error('message failed for good; moved to the dead-letter queue', {
          messageId: raw.MessageId,
          attempts: receiveCountOf(raw),
          error,
        });
        await deadLetter(sqs, queue, raw, error as Error, options.service);
        await options.onDeadLetter?.(raw, error as Error);
      }
    },
  });
}

/**
 * How often a message may be put back to wait (for dimension rows, say) before it is dead-lettered: with delays of
 * 2, 4, 8, 16, then 32 s, about half an hour.
 */
export const maxDeferrals = 60;

/** An error that asks for the message to be tried again after a delay, not counted as a failure. */
function deferSecondsOf(error: unknown): number | undefined {
  const seconds = (error as { deferSeconds?: unknown } | null)?.deferSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

function deferralsOf(raw: Message): number {
  return Number(raw.MessageAttributes?.[FailureAttribute.deferrals]?.StringValue ?? 0);
}

/**
 * Puts a message back on its queue after a delay, as a copy that counts its deferrals; the consumer then deletes
 * the original. Waiting this way does not spend the receives after which the queue dead-letters a message.
 */
export async function defer(
  sqs: SQSClient,
  queue: QueueEndpoint,
  raw: Message,
  deferrals: number,
  delaySeconds: number,
) {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: raw.Body ?? '',
      DelaySeconds: delaySeconds,
      MessageAttributes: {
        [FailureAttribute.deferrals]: { DataType: 'Number', StringValue: String(deferrals) },
      },
    }),
  );
}

/** Copies a message to the queue's dead-letter queue with the reason; the consumer then deletes the original. */
export async function deadLetter(
  sqs: SQSClient,
  queue: Pick<QueueEndpoint, 'deadLetterUrl'>,
  raw: Message,
  error: Error,
  service: string,
) {
  const reason: FailureReason = {
    errorName: error.name,
    errorCode: String((error as { code?: unknown }).code ?? 'UNKNOWN'),
    errorMessage: redactSecrets(error.message).slice(0, 1000),
    stack: redactSecrets(error.stack?.split('\n').slice(0, 4).join('\n') ?? error.name).slice(0, 1000),
    service,
    attempts: receiveCountOf(raw),
    firstFailedAt: new Date(
      Number(raw.Attributes?.ApproximateFirstReceiveTimestamp ?? Date.now()),
    ).toISOString(),
    failedAt: new Date().toISOString(),
  };
  // The body says everything the platform routes on, so the original attributes are not copied.
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.deadLetterUrl,
      MessageBody: raw.Body || '(empty body)',
      MessageAttributes: {
        [FailureAttribute.failure]: { DataType: 'String', StringValue: JSON.stringify(reason) },
        [FailureAttribute.errorCode]: { DataType: 'String', StringValue: reason.errorCode },
      },
    }),
  );
}
