import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { MessageType, PlatformMessage } from '@totes/contracts';
import type { TopicName } from '@totes/model';
import { RuntimeError, RuntimeErrorCode } from '../errors';

/** Publishes platform messages to the platform's topics. */
export interface Publisher {
  publish(topic: TopicName, message: PlatformMessage): Promise<void>;
}

/**
 * The attributes that subscriptions filter on: a model queue on `table`; a downstream consumer of `load-complete` on
 * `type`, `model`, `kind` (dimension, fact or run), `status` (the OpenLineage eventType: START, COMPLETE or FAIL) and
 * `stage`. They are taken from the message, so they can never disagree with it.
 */
export function messageAttributesOf(
  message: PlatformMessage,
  stage?: string,
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, string> = { type: message.type };
  if ('table' in message) attributes.table = message.table;
  if ('model' in message) attributes.model = message.model;
  if ('kind' in message && message.kind) attributes.kind = message.kind;
  if (message.type === MessageType.runStarted || message.type === MessageType.runCompleted)
    attributes.kind = 'run';
  if ('eventType' in message) attributes.status = message.eventType;
  if (stage) attributes.stage = stage;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/** An SNS publisher that validates each message against its contract before it leaves. */
export function createPublisher(
  sns: SNSClient,
  topics: Readonly<Record<TopicName, string>>,
  options: { stage?: string } = {},
): Publisher {
  return {
    async publish(topic, message) {
      const valid = PlatformMessage.parse(message);
      try {
        await sns.send(
          new PublishCommand({
            TopicArn: topics[topic],
            Message: JSON.stringify(valid),
            MessageAttributes: messageAttributesOf(valid, options.stage),
          }),
        );
      } catch (cause) {
        throw new RuntimeError(
          RuntimeErrorCode.publishFailed,
          // The AWS error's name says what to do (wait out throttling, grant access), so the reason keeps it.
          `could not publish ${message.type} to ${topic}: ${causeOf(cause)}`,
          { cause },
        );
      }
    },
  };
}

function causeOf(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
