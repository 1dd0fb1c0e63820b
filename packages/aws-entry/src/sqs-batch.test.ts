import { MessageType, newEnvelope, type TableChanged } from '@totes/contracts';
import { ServiceName } from '@totes/model';
import { FailureAttribute, RejectedMessageError } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { createSqsHandler, toSqsMessage } from './sqs-batch';
import { queueEndpointOf, sqsRecord as recordFrom, recordingRuntime } from './testing';

const extractorQueue = queueEndpointOf('test', 'table-extractor');
const fakeRuntime = () => recordingRuntime(ServiceName.tableExtractor, extractorQueue);
const sqsRecord = (messageId: string, body: string, options: { receiveCount?: number } = {}) =>
  recordFrom(extractorQueue, messageId, body, options);

function tableChanged(table = 'currency'): TableChanged {
  return {
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: MessageType.tableChanged,
    table,
    window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
    rows: 3,
  };
}

describe('createSqsHandler', () => {
  it('reports only the record whose handling failed, so the good ones are not retried', async () => {
    const { runtime } = fakeRuntime();
    const handled: string[] = [];
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle(message) {
        if (message.table === 'staff') throw new Error('the source is unreachable');
        handled.push(message.table);
      },
    });

    const response = await handler({
      Records: [
        sqsRecord('m1', JSON.stringify(tableChanged('currency'))),
        sqsRecord('m2', JSON.stringify(tableChanged('staff'))),
        sqsRecord('m3', JSON.stringify(tableChanged('design'))),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(handled).toEqual(['currency', 'design']);
  });

  it('moves a malformed record to the dead-letter queue with its reason, and does not report it', async () => {
    const { runtime, sent } = fakeRuntime();
    const handled: string[] = [];
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle(message) {
        handled.push(message.table);
      },
    });

    const response = await handler({
      Records: [sqsRecord('bad', '{"not": "a message"'), sqsRecord('good', JSON.stringify(tableChanged()))],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual(['currency']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      QueueUrl: extractorQueue.deadLetterUrl,
      MessageBody: '{"not": "a message"',
      MessageAttributes: { [FailureAttribute.errorCode]: { StringValue: 'MESSAGE_REJECTED' } },
    });
  });

  it('dead-letters a permanent rejection from the core and tells onDeadLetter', async () => {
    const { runtime, sent } = fakeRuntime();
    const deadLettered: string[] = [];
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle() {
        throw new RejectedMessageError('unknown-table', 'no such table');
      },
      async onDeadLetter(raw, error) {
        deadLettered.push(`${raw.MessageId}: ${error.message}`);
      },
    });

    const response = await handler({ Records: [sqsRecord('m1', JSON.stringify(tableChanged()))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent.map((input) => input.QueueUrl)).toEqual([extractorQueue.deadLetterUrl]);
    expect(deadLettered).toEqual(['m1: no such table']);
  });

  it('dead-letters a failing record on its last allowed receive, keeping the reason, instead of reporting it', async () => {
    const { runtime, sent } = fakeRuntime();
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle() {
        throw new Error('still unreachable');
      },
    });

    const response = await handler({
      Records: [
        sqsRecord('m1', JSON.stringify(tableChanged()), {
          receiveCount: extractorQueue.spec.maxReceiveCount,
        }),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
    const failure = JSON.parse(
      (sent[0]!.MessageAttributes as Record<string, { StringValue: string }>)[FailureAttribute.failure]!
        .StringValue,
    );
    expect(failure).toMatchObject({
      errorMessage: 'still unreachable',
      attempts: 5,
      service: 'table-extractor',
    });
  });

  it('puts a record that asks to wait back on its own queue with a delay, and does not report it', async () => {
    const { runtime, sent } = fakeRuntime();
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle() {
        throw Object.assign(new Error('dimension rows not loaded yet'), { deferSeconds: 2 });
      },
    });
    const body = JSON.stringify(tableChanged());

    const response = await handler({ Records: [sqsRecord('m1', body)] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([
      {
        QueueUrl: extractorQueue.url,
        MessageBody: body,
        DelaySeconds: 2,
        MessageAttributes: { [FailureAttribute.deferrals]: { DataType: 'Number', StringValue: '1' } },
      },
    ]);
  });

  it('handles the records of a batch one after another, in order', async () => {
    const { runtime } = fakeRuntime();
    const events: string[] = [];
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle(message) {
        events.push(`start ${message.table}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`end ${message.table}`);
      },
    });

    await handler({
      Records: [
        sqsRecord('m1', JSON.stringify(tableChanged('staff'))),
        sqsRecord('m2', JSON.stringify(tableChanged('design'))),
      ],
    });

    expect(events).toEqual(['start staff', 'end staff', 'start design', 'end design']);
  });

  it('reports a record from a queue the topology does not know, rather than losing it', async () => {
    const { runtime, sent } = fakeRuntime();
    const handler = createSqsHandler(runtime, {
      accepts: [MessageType.tableChanged],
      async handle() {},
    });
    const stray = {
      ...sqsRecord('m1', JSON.stringify(tableChanged())),
      eventSourceARN: 'arn:aws:sqs:eu-west-2:1:other',
    };
    const queues = runtime.queues();
    runtime.queues = () => ({ ...queues, endpointOf: () => Promise.reject(new Error('unknown queue')) });

    const response = await handler({ Records: [stray] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sent).toEqual([]);
  });
});

describe('toSqsMessage', () => {
  it('gives a Lambda record the SDK message shape the runtime’s worker functions read', () => {
    const message = toSqsMessage(sqsRecord('m1', 'body', { receiveCount: 3 }));

    expect(message).toMatchObject({
      MessageId: 'm1',
      ReceiptHandle: 'receipt-m1',
      Body: 'body',
      Attributes: { ApproximateReceiveCount: '3', ApproximateFirstReceiveTimestamp: '1700000000001' },
      MessageAttributes: { type: { DataType: 'String', StringValue: 'table.changed' } },
    });
  });
});
