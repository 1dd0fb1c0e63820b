import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  type MessageAttributeValue,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { FailureAttribute, type FailureReason, redactSecrets } from '@totes/runtime';
import { CliError, CliErrorCode } from '../errors';
import { findStageQueues, queueDepth, type StageQueue } from './queues';

/** A dead-lettered message, with why it failed and what it carried. */
export interface DeadLetter {
  readonly messageId: string;
  readonly sentAt: string;
  readonly reason: Partial<FailureReason>;
  /** The fields an operator filters on, read from the body when it is JSON. */
  readonly summary: {
    readonly type?: string;
    readonly table?: string;
    readonly model?: string;
    readonly runId?: string;
  };
  readonly body: string;
}

/** Which messages a replay moves: every given field must match. */
export type ReplayFilter = Partial<Record<'type' | 'table' | 'model' | 'runId', string>>;

/** Parses `--filter key=value` options into a {@link ReplayFilter}, refusing unknown keys. */
export function parseFilters(filters: readonly string[]): ReplayFilter {
  const filter: Record<string, string> = {};
  for (const entry of filters) {
    const [key, ...rest] = entry.split('=');
    if (!key || rest.length === 0 || !['type', 'table', 'model', 'runId'].includes(key)) {
      throw new CliError(
        CliErrorCode.usage,
        `--filter takes type=…, table=…, model=… or runId=…, got "${entry}"`,
      );
    }
    filter[key] = rest.join('=');
  }
  return filter;
}

function summaryOf(body: string): DeadLetter['summary'] {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : undefined);
    return { type: text('type'), table: text('table'), model: text('model'), runId: text('runId') };
  } catch {
    return {};
  }
}

function toDeadLetter(message: Message): DeadLetter {
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    sentAt: new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
    reason: reasonOf(message),
    summary: summaryOf(body),
    body,
  };
}

/** The failure the worker recorded, or, for a message the queue's redrive moved, what is known of it. */
function reasonOf(message: Message): Partial<FailureReason> {
  const recorded = message.MessageAttributes?.[FailureAttribute.failure]?.StringValue;
  if (recorded) {
    try {
      return JSON.parse(recorded) as FailureReason;
    } catch {
      return { errorMessage: recorded };
    }
  }
  return { errorMessage: 'moved by the queue after too many receives; the service logs say why' };
}

function matches(letter: DeadLetter, filter: ReplayFilter): boolean {
  return Object.entries(filter).every(([key, value]) => letter.summary[key as keyof ReplayFilter] === value);
}

/**
 * Receives every message of a queue once, holding each out of sight while it runs, and hands them to `visit`.
 * Messages `visit` keeps (returns false for) are made visible again at the end.
 */
async function sweep(
  sqs: SQSClient,
  url: string,
  limit: number,
  visit: (message: Message) => Promise<boolean>,
): Promise<void> {
  const seen = new Set<string>();
  const kept: Message[] = [];
  let handled = 0;
  try {
    while (handled < limit) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, limit - handled),
          VisibilityTimeout: 60,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const fresh = Messages.filter((message) => !seen.has(message.MessageId ?? ''));
      if (fresh.length === 0) break;
      for (const message of fresh) {
        seen.add(message.MessageId ?? '');
        handled += 1;
        if (!(await visit(message))) kept.push(message);
      }
    }
  } finally {
    for (const message of kept) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }
}

/** The dead-lettered messages of a queue, oldest first; nothing is removed. */
export async function listDeadLetters(
  sqs: SQSClient,
  queue: StageQueue,
  limit = 1000,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await sweep(sqs, queue.deadLetterUrl, limit, async (message) => {
    letters.push(toDeadLetter(message));
    return false;
  });
  return letters.sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

/** One dead-letter queue: how many messages it holds, and how long the oldest has waited. */
export interface DeadLetterQueueStatus {
  readonly queue: string;
  readonly depth: number;
  readonly oldestAgeSeconds: number | null;
}

/** What `totes dlq list` reports: every dead-letter queue of a stage, or why they cannot be read. */
export interface DeadLetterListing {
  readonly stage: string;
  /** null when the queues cannot be read (see `queuesError`). */
  readonly queues: readonly DeadLetterQueueStatus[] | null;
  /** Why the queues could not be found or read (no platform running, a wrong stage, no endpoint), when they could not. */
  readonly queuesError?: string;
}

/** Every dead-letter queue of a stage with its depth and the age of its oldest message; or, when they cannot be read, why. */
export async function listDeadLetterQueues(sqs: SQSClient, stage: string): Promise<DeadLetterListing> {
  try {
    const queues: DeadLetterQueueStatus[] = [];
    for (const queue of await findStageQueues(sqs, stage)) {
      const [oldest] = await listDeadLetters(sqs, queue);
      queues.push({
        queue: queue.spec.deadLetterQueue,
        depth: await queueDepth(sqs, queue.deadLetterUrl),
        oldestAgeSeconds: oldest ? Math.round((Date.now() - Date.parse(oldest.sentAt)) / 1000) : null,
      });
    }
    return { stage, queues };
  } catch (error) {
    return { stage, queues: null, queuesError: redactSecrets((error as Error).message) };
  }
}

/** What a replay did. */
export interface ReplayResult {
  readonly moved: readonly DeadLetter[];
  readonly skipped: number;
  readonly dryRun: boolean;
}

/** The attributes a replayed message keeps: the original ones, not the failure reason. */
function originalAttributes(message: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).filter(([name]) => !name.startsWith('totes-')),
  );
}

/**
 * Moves dead-lettered messages that match the filter back to their source queue: each is sent to the source queue
 * first and deleted from the dead-letter queue after, so a message is never lost mid-move; a crash between the two
 * leaves a copy in both, which the platform's idempotent consumers absorb. With `dryRun`, nothing moves.
 */
export async function replayDeadLetters(
  sqs: SQSClient,
  queue: StageQueue,
  options: { filter: ReplayFilter; dryRun: boolean; limit: number },
): Promise<ReplayResult> {
  const moved: DeadLetter[] = [];
  let skipped = 0;
  await sweep(sqs, queue.deadLetterUrl, Number.MAX_SAFE_INTEGER, async (message) => {
    const letter = toDeadLetter(message);
    if (moved.length >= options.limit || !matches(letter, options.filter)) {
      skipped += 1;
      return false;
    }
    moved.push(letter);
    if (options.dryRun) return false;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: letter.body,
        MessageAttributes: originalAttributes(message),
      }),
    );
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.deadLetterUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    return true;
  });
  return { moved, skipped, dryRun: options.dryRun };
}

/** Empties a dead-letter queue. */
export async function purgeDeadLetters(sqs: SQSClient, queue: StageQueue): Promise<void> {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queue.deadLetterUrl }));
}

/** The reason a message failed, on one line. */
export function reasonLine(letter: DeadLetter): string {
  const r = letter.reason;
  const where = r.service ? ` in ${r.service}` : '';
  const attempts = r.attempts ? ` after ${r.attempts} attempt(s)` : '';
  return `${r.errorName ?? 'Error'} ${r.errorCode ?? ''}${where}${attempts}: ${r.errorMessage ?? ''}`.replace(
    /\s+/g,
    ' ',
  );
}
