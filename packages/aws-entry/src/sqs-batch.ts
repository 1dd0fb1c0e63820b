import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { PlatformMessage } from '@totes/contracts';
import type { QueueSpec } from '@totes/model';
import { acceptMessage, deadLetter, defer, failureAction, type Logger } from '@totes/runtime';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LambdaRuntime } from './lambda-runtime';

type MessageOf<T extends PlatformMessage['type']> = Extract<PlatformMessage, { type: T }>;

/** What a service's handler is told besides the message. */
export interface RecordContext {
  readonly logger: Logger;
  /** The queue the record came from: a builder learns from it which model to build. */
  readonly queue: QueueSpec;
}

/** A service's SQS entry: which messages it accepts and what it does with one. */
export interface SqsHandlerOptions<T extends PlatformMessage['type']> {
  readonly accepts: readonly T[];
  handle(message: MessageOf<T>, context: RecordContext): Promise<void>;
  /** Told of a message moved to the dead-letter queue, e.g. to announce a failed load. */
  onDeadLetter?(raw: Message, error: Error): Promise<void>;
}

/** A Lambda handler for an SQS event source mapping with `ReportBatchItemFailures`. */
export type SqsHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/**
 * Builds an SQS Lambda handler around a service's core. Records are handled one after another, as the local
 * worker does, and each on its own: the response lists only the records to retry (`batchItemFailures`), so one
 * bad record never makes the good ones run again. A record that can never succeed (malformed, an unknown version,
 * an unknown table or model) and one on its last allowed receive are copied to the dead-letter queue with the
 * reason, and not reported; one that asks to wait is put back with a delay, as the local worker does.
 *
 * Partial responses come from Powertools' batch utility (`processPartialResponse`, in sequence).
 */
export function createSqsHandler<T extends PlatformMessage['type']>(
  runtime: LambdaRuntime,
  options: SqsHandlerOptions<T>,
): SqsHandler {
  const handleRecord = async (record: SQSRecord) => {
    const raw = toSqsMessage(record);
    let log = runtime.logger.child({ messageId: record.messageId });
    const started = Date.now();
    try {
      const queue = runtime.queues().specOf(record.eventSourceARN);
      const message = acceptMessage(record.body, options.accepts);
      log = runtime.logger.child({
        runId: message.runId,
        messageId: message.id,
        type: message.type,
        ...(queue.model ? { model: queue.model } : {}),
      });
      await runtime.withFreshCredentials(() => options.handle(message, { logger: log, queue }));
      log.debug('handled', { durationMs: Date.now() - started });
    } catch (error) {
      const queue = await runtime.queues().endpointOf(record.eventSourceARN);
      const action = failureAction(error, raw, queue.spec.maxReceiveCount);
      if (action.kind === 'retry') {
        log.warn('message failed; reported for retry', { receiveCount: receiveCountOf(raw), error });
        throw error;
      }
      if (action.kind === 'defer') {
        log.info('message deferred', {
          deferrals: action.deferrals,
          delaySeconds: action.delaySeconds,
          reason: (error as Error).message,
        });
        await defer(runtime.aws().sqs, queue, raw, action.deferrals, action.delaySeconds);
        return;
      }
      log.error('message failed for good; moved to the dead-letter queue', {
        attempts: receiveCountOf(raw),
        error,
      });
      await deadLetter(runtime.aws().sqs, queue, raw, error as Error, runtime.service);
      await options.onDeadLetter?.(raw, error as Error);
    }
  };
  return async (event, context) => {
    runtime.invoked(context);
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, handleRecord, processor, {
      ...(context ? { context } : {}),
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  };
}

/** A Lambda SQS record in the SDK's message shape, as the runtime's worker functions expect it. */
export function toSqsMessage(record: SQSRecord): Message {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    attributes[name] = {
      DataType: value.dataType,
      ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined ? { BinaryValue: Buffer.from(value.binaryValue, 'base64') } : {}),
    };
  }
  return {
    MessageId: record.messageId,
    ReceiptHandle: record.receiptHandle,
    Body: record.body,
    MD5OfBody: record.md5OfBody,
    Attributes: { ...(record.attributes as unknown as Record<string, string>) },
    MessageAttributes: attributes,
  };
}

function receiveCountOf(raw: Message): number {
  return Number(raw.Attributes?.ApproximateReceiveCount ?? 1);
}
