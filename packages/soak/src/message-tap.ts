import { SetSubscriptionAttributesCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type PlatformMessage, parseMessage, type TableExtracted } from '@totes/contracts';
import { TopicName } from '@totes/model';
import { createPublisher, type TopologyEndpoints } from '@totes/runtime';
import type { Random } from '@totes/totesys';

/** The topic each message type is published to, for the types the tap copies. */
export const topicOfType = {
  'table.changed': TopicName.changes,
  'table.extracted': TopicName.extracted,
  'model.built': TopicName.built,
} as const satisfies Partial<Record<PlatformMessage['type'], TopicName>>;

type Copyable = Extract<PlatformMessage, { type: keyof typeof topicOfType }>;

/**
 * A queue subscribed to each platform topic that sees every message the services publish, and can publish copies
 * of them again: at once (a second delivery) or later (after newer ones: out of order).
 */
export interface MessageTap {
  /** Messages seen so far. */
  readonly seen: number;
  /** Copies published so far. */
  readonly copied: number;
  /** Publishes copies of `count` messages seen recently, at once; resolves to the copies published. */
  duplicate(count: number): Promise<number>;
  /**
   * Publishes copies of `count` messages seen recently after `delayMs`, when newer ones have gone by; resolves to
   * the copies published.
   */
  reorder(count: number, delayMs: number): Promise<number>;
  /** Resolves with the next `table.extracted` seen (with at least one part), or undefined after `timeoutMs`. */
  nextExtracted(timeoutMs: number): Promise<TableExtracted | undefined>;
  /** Resolves to true when the next `table.changed` is seen, or to false after `timeoutMs`. */
  nextChanged(timeoutMs: number): Promise<boolean>;
  /** The `table.extracted` message that wrote this lake part, if the tap saw it. */
  extractedWithPart(part: string): TableExtracted | undefined;
  stop(): Promise<void>;
}

/** Creates the tap queues (`<stage>-soak-tap-<topic>`), subscribes them with raw delivery, and starts polling. */
export async function startMessageTap(options: {
  sns: SNSClient;
  sqs: SQSClient;
  endpoints: TopologyEndpoints;
  random: Random;
}): Promise<MessageTap> {
  const { sns, sqs, endpoints, random } = options;
  const publisher = createPublisher(sns, endpoints.topics, { stage: endpoints.stage });
  const urls: string[] = [];
  for (const topic of Object.values(topicOfType)) {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `totes-${endpoints.stage}-soak-tap-${topic}` }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: endpoints.topics[topic],
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
      }),
    );
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'RawMessageDelivery',
        AttributeValue: 'true',
      }),
    );
    urls.push(QueueUrl ?? '');
  }

  const recent: Copyable[] = [];
  const extractedByPart = new Map<string, TableExtracted>();
  const waiting: ((message: Copyable) => void)[] = [];
  const delayed = new Set<Promise<number>>();
  let seen = 0;
  let copied = 0;
  let stopped = false;

  const poll = async (url: string) => {
    while (!stopped) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const raw of Messages) {
          const parsed = parseMessage(raw.Body ?? '', Object.keys(topicOfType) as Copyable['type'][]);
          if (!parsed.ok) continue;
          const message = parsed.message as Copyable;
          seen += 1;
          recent.push(message);
          if (recent.length > 200) recent.shift();
          if (message.type === 'table.extracted')
            for (const part of message.object.parts) extractedByPart.set(part, message);
          for (const resolve of waiting.splice(0)) resolve(message);
        }
        if (Messages.length > 0)
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: Messages.map((raw, index) => ({
                Id: String(index),
                ReceiptHandle: raw.ReceiptHandle,
              })),
            }),
          );
      } catch {
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const polling = urls.map(poll);

  const pickRecent = (count: number) =>
    random.shuffle(recent.slice(-50)).slice(0, Math.min(count, recent.length));
  const publishCopies = async (messages: readonly Copyable[]) => {
    for (const message of messages) {
      await publisher.publish(topicOfType[message.type], message);
      copied += 1;
    }
    return messages.length;
  };
  const next = (timeoutMs: number, wanted: (message: Copyable) => boolean) =>
    new Promise<Copyable | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const listen = (message: Copyable) => {
        if (!wanted(message)) {
          waiting.push(listen);
          return;
        }
        clearTimeout(timer);
        resolve(message);
      };
      waiting.push(listen);
    });

  return {
    get seen() {
      return seen;
    },
    get copied() {
      return copied;
    },
    duplicate: (count) => publishCopies(pickRecent(count)),
    reorder(count, delayMs) {
      const held = pickRecent(count);
      const later = new Promise<void>((resolve) => setTimeout(resolve, delayMs))
        .then(() => publishCopies(held))
        .finally(() => delayed.delete(later));
      delayed.add(later);
      return later;
    },
    async nextExtracted(timeoutMs) {
      const found = await next(
        timeoutMs,
        (message) => message.type === 'table.extracted' && message.object.parts.length > 0,
      );
      return found?.type === 'table.extracted' ? found : undefined;
    },
    async nextChanged(timeoutMs) {
      return (await next(timeoutMs, (message) => message.type === 'table.changed')) !== undefined;
    },
    extractedWithPart: (part) => extractedByPart.get(part),
    async stop() {
      await Promise.allSettled([...delayed]);
      stopped = true;
      await Promise.all(polling);
    },
  };
}
