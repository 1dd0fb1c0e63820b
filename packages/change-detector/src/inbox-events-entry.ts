import type { InboxFile } from '@totes/contracts';
import { type Logger, parseLakeUrl } from '@totes/runtime';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type InboxLocation, parseInboxNotification } from './inbox-events';

/** What a batch of the inbox's event notifications is handled with. */
export interface InboxEventsOptions {
  /** `s3://bucket/prefix` of the inbox: an event of any other object names no file. */
  readonly inboxUrl: string;
  readonly logger: Logger;
  /** Records and claims the files (one detection cycle over them); returns the cycle's run. */
  detect(files: readonly InboxFile[]): Promise<string>;
  /** Moves a record that can never be read to the dead-letter queue, with the reason. */
  deadLetter(record: SQSRecord, error: Error): Promise<void>;
}

/** True for an event an SQS event source mapping sends, rather than the schedule's. */
export function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  return (
    Array.isArray(records) &&
    records.every((record) => (record as { eventSource?: unknown })?.eventSource === 'aws:sqs')
  );
}

/**
 * Handles one batch of the inbox's notifications: every file the good records name is recorded and claimed in one
 * cycle. A record that is not an S3 event is logged and moved to the dead-letter queue with the reason, at once
 * (reported failed, for the redrive to move after its receives, if that move fails): nothing is lost. When the cycle
 * fails, the good records are reported failed and come again. The worker itself never throws for a record. The
 * periodic re-listing finds any file whose event never arrives.
 */
export async function handleInboxEvents(
  event: SQSEvent,
  options: InboxEventsOptions,
): Promise<SQSBatchResponse> {
  const inbox = locationOf(options.inboxUrl);
  const failed: string[] = [];
  const read: string[] = [];
  const files: InboxFile[] = [];
  for (const record of event.Records) {
    try {
      const notification = parseInboxNotification(record.body, inbox);
      files.push(...notification.files);
      read.push(record.messageId);
      if (notification.ignored.length > 0) {
        options.logger.warn('inbox event names objects that are not inbox files; ignored', {
          messageId: record.messageId,
          objects: notification.ignored,
        });
      }
    } catch (error) {
      options.logger.error('inbox event malformed; moved to the dead-letter queue', {
        messageId: record.messageId,
        error,
      });
      if (!(await movedToDeadLetter(record, error as Error, options))) failed.push(record.messageId);
    }
  }
  if (files.length > 0) {
    try {
      const runId = await options.detect(files);
      options.logger.info('inbox files notified', { runId, files: files.map((file) => file.key) });
    } catch (error) {
      options.logger.error('recording notified inbox files failed; the events come again', { error });
      failed.push(...read);
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

async function movedToDeadLetter(
  record: SQSRecord,
  error: Error,
  options: InboxEventsOptions,
): Promise<boolean> {
  try {
    await options.deadLetter(record, error);
    return true;
  } catch (failure) {
    options.logger.warn('could not dead-letter the inbox event; reported failed for the redrive', {
      messageId: record.messageId,
      error: failure,
    });
    return false;
  }
}

function locationOf(url: string): InboxLocation {
  const location = parseLakeUrl(url);
  // A local inbox has no notifications: only an S3 inbox is given a queue.
  return location.kind === 's3'
    ? { bucket: location.bucket, prefix: location.prefix }
    : { bucket: '', prefix: '' };
}
