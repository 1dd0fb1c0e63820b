import { sqsRecord } from '@totes/aws-entry/testing';
import type { InboxFile } from '@totes/contracts';
import { createLogger } from '@totes/runtime';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleInboxEvents, isSqsEvent } from './inbox-events-entry';

const bucket = 'totes-pr-42-inbox-123456789012';

// S3 notifications carry no message attributes.
const record = (messageId: string, body: string): SQSRecord =>
  sqsRecord({ arn: 'arn:aws:sqs:eu-west-2:123456789012:totes-pr-42-inbox-events' }, messageId, body, {
    messageAttributes: {},
  });

const created = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: bucket }, object: { key, size: 10, eTag: `etag-${key.length}` } },
      },
    ],
  });

function setup(
  detect: (files: readonly InboxFile[]) => Promise<string>,
  deadLetter: (record: SQSRecord, error: Error) => Promise<void> = async () => {},
) {
  const lines: string[] = [];
  const logger = createLogger({}, { write: (line) => lines.push(line) });
  return { lines, options: { inboxUrl: `s3://${bucket}/inbox`, logger, detect, deadLetter } };
}

describe('handleInboxEvents', () => {
  it('records every file of the batch in one cycle and reports no failure', async () => {
    const seen: InboxFile[][] = [];
    const { options } = setup(async (files) => {
      seen.push([...files]);
      return 'run-1';
    });
    const event: SQSEvent = {
      Records: [record('m1', created('inbox/staff/a.csv')), record('m2', created('inbox/design/b.csv'))],
    };

    const response = await handleInboxEvents(event, options);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen.map((files) => files.map((file) => file.key))).toEqual([['staff/a.csv', 'design/b.csv']]);
  });

  it('dead-letters a malformed record alone, with a clear error, and still records the others', async () => {
    const seen: string[] = [];
    const deadLettered: [string, string][] = [];
    const { options, lines } = setup(
      async (files) => {
        seen.push(...files.map((file) => file.key));
        return 'run-1';
      },
      async (bad, error) => {
        deadLettered.push([bad.messageId, error.message]);
      },
    );
    const event: SQSEvent = {
      Records: [record('bad', 'not json'), record('good', created('inbox/staff/a.csv'))],
    };

    const response = await handleInboxEvents(event, options);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLettered).toEqual([
      ['bad', 'not an S3 event notification of the inbox: the body is not a JSON object: "not json"'],
    ]);
    expect(seen).toEqual(['staff/a.csv']);
    expect(lines.join('\n')).toMatch(/inbox event malformed.*"messageId":"bad".*not a JSON object/s);
  });

  it('reports a malformed record failed, for the redrive, when it cannot be dead-lettered', async () => {
    const { options } = setup(
      async () => 'run-1',
      async () => {
        throw new Error('SQS unreachable');
      },
    );

    const response = await handleInboxEvents({ Records: [record('bad', '{}')] }, options);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });

  it('reports every readable record failed when recording the files fails, so they come again', async () => {
    const { options } = setup(async () => {
      throw new Error('state database unreachable');
    });
    const event: SQSEvent = {
      Records: [record('m1', created('inbox/staff/a.csv')), record('m2', 'oops')],
    };

    const response = await handleInboxEvents(event, options);

    // The malformed one is dead-lettered all the same: it could never be read.
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m1']);
  });

  it('runs no cycle for a batch that names no file (S3’s test event)', async () => {
    let cycles = 0;
    const { options } = setup(async () => {
      cycles += 1;
      return 'run-1';
    });
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: bucket });

    const response = await handleInboxEvents({ Records: [record('t', test)] }, options);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(cycles).toBe(0);
  });
});

describe('isSqsEvent', () => {
  it('tells an SQS batch from the schedule’s invocation', () => {
    expect(isSqsEvent({ Records: [record('m', '{}')] })).toBe(true);
    expect(isSqsEvent({ source: 'aws.scheduler' })).toBe(false);
    expect(isSqsEvent({})).toBe(false);
    expect(isSqsEvent(undefined)).toBe(false);
  });
});
