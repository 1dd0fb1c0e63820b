import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { newEnvelope } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { isPermanent, RejectedMessageError } from '../errors';
import { CorruptLakeObjectError } from '../lake/errors';
import type { QueueEndpoint } from './provision';
import { acceptMessage, deadLetter, FailureAttribute, type FailureReason, failureAction } from './worker';

const changed = {
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
  type: 'table.changed',
  table: 'staff',
  window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
  rows: 2,
};

function rejection(
  body: string | undefined,
  accepts: readonly ('table.changed' | 'table.extracted' | 'model.built')[],
): unknown {
  try {
    acceptMessage(body, accepts);
  } catch (error) {
    return error;
  }
  throw new Error('expected acceptMessage to throw');
}

describe('acceptMessage', () => {
  it('returns a valid message of an accepted type', () => {
    expect(acceptMessage(JSON.stringify(changed), ['table.changed'])).toEqual(changed);
  });

  it.each([
    ['no body at all', undefined, 'NOT_JSON'],
    ['a body that is not JSON', 'hello', 'NOT_JSON'],
    ['a message of another type', JSON.stringify(changed), 'UNEXPECTED_TYPE'],
    ['a message of another version', JSON.stringify({ ...changed, version: 2 }), 'UNKNOWN_VERSION'],
    ['a message with a malformed field', JSON.stringify({ ...changed, rows: 'two' }), 'INVALID_SHAPE'],
  ])('throws a permanent RejectedMessageError for %s, with the reason %s', (_case, body, reason) => {
    const error = rejection(body, body === JSON.stringify(changed) ? ['model.built'] : ['table.changed']);

    expect(error).toBeInstanceOf(RejectedMessageError);
    expect(error).toMatchObject({ reason, code: 'MESSAGE_REJECTED', permanent: true });
    expect((error as Error).message.startsWith('rejected message: ')).toBe(true);
    expect(isPermanent(error)).toBe(true);
  });
});

describe('acceptMessage with SQL smuggled into a name', () => {
  const extracted = {
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: 'table.extracted',
    table: 'staff',
    window: changed.window,
    watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 3 },
    object: { key: 'raw/staff/x', parts: ['raw/staff/x/part-00000.parquet'], rows: 1, bytes: 10 },
  };
  const built = {
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: 'model.built',
    model: 'dim_staff',
    kind: 'dimension',
    table: 'staff',
    object: extracted.object,
  };

  it.each([
    ['the table of a table.changed', { ...changed, table: 'staff; DROP TABLE x' }],
    ['the table of a table.extracted', { ...extracted, table: 'staff; DROP TABLE x' }],
    ['the model of a model.built', { ...built, model: 'dim_staff"; DROP TABLE x; --' }],
    ['the table of a model.built', { ...built, table: "staff' OR '1'='1" }],
  ])('refuses SQL in %s as a permanent rejection, before any handler sees it', (_case, message) => {
    const body = JSON.stringify(message);

    const error = rejection(body, [message.type as 'table.changed' | 'table.extracted' | 'model.built']);

    expect(error).toBeInstanceOf(RejectedMessageError);
    expect(error).toMatchObject({ reason: 'INVALID_SHAPE', permanent: true });
    expect((error as Error).message).toMatch(/must be a lowercase identifier/);
  });
});

describe('failureAction', () => {
  const received = (receives: number, deferrals?: number): Message => ({
    Attributes: { ApproximateReceiveCount: String(receives) },
    ...(deferrals === undefined
      ? {}
      : { MessageAttributes: { 'totes-deferrals': { DataType: 'Number', StringValue: String(deferrals) } } }),
  });
  const waiting = (deferSeconds: number) =>
    Object.assign(new Error('dimensions not ready'), { deferSeconds });
  const permanent = new RejectedMessageError('NOT_JSON', 'rejected message: body is not JSON');

  it.each([
    ['a passing failure before the last receive', new Error('timeout'), received(1), { kind: 'retry' }],
    ['a passing failure on the last receive', new Error('timeout'), received(5), { kind: 'deadLetter' }],
    ['a permanent failure on the first receive', permanent, received(1), { kind: 'deadLetter' }],
    [
      'a truncated lake part on the first receive',
      new CorruptLakeObjectError('raw/staff/part-00000.parquet', { cause: new Error('EOF') }),
      received(1),
      { kind: 'deadLetter' },
    ],
    ['a first wait', waiting(2), received(1), { kind: 'defer', deferrals: 1, delaySeconds: 2 }],
    [
      'a fourth wait, doubling',
      waiting(2),
      received(1, 3),
      { kind: 'defer', deferrals: 4, delaySeconds: 16 },
    ],
    [
      'a later wait, capped at 16 times',
      waiting(2),
      received(1, 10),
      { kind: 'defer', deferrals: 11, delaySeconds: 32 },
    ],
    [
      'a long wait, capped at 15 minutes',
      waiting(100),
      received(1, 4),
      { kind: 'defer', deferrals: 5, delaySeconds: 900 },
    ],
    ['a wait after 60 deferrals', waiting(2), received(1, 60), { kind: 'deadLetter' }],
  ])('decides, for %s, to %j', (_case, error, raw, action) => {
    expect(failureAction(error, raw, 5)).toEqual(action);
  });
});

describe('deadLetter', () => {
  it('copies the message to the dead-letter queue with its reason, the password redacted', async () => {
    const sent: { QueueUrl?: string; MessageBody?: string; MessageAttributes?: Record<string, unknown> }[] =
      [];
    const sqs = {
      send: async (command: { input: (typeof sent)[number] }) => sent.push(command.input),
    } as unknown as SQSClient;
    const queue = { url: 'http://q/build', deadLetterUrl: 'http://q/build-dlq' } as QueueEndpoint;
    const raw: Message = {
      Body: '{"type":"model.built"}',
      Attributes: { ApproximateReceiveCount: '3', ApproximateFirstReceiveTimestamp: '1731664800000' },
      MessageAttributes: { table: { DataType: 'String', StringValue: 'staff' } },
    };
    const error = Object.assign(new Error('cannot reach postgres://loader:s3cret@dw/dw'), { code: 'E_DOWN' });

    await deadLetter(sqs, queue, raw, error, 'warehouse-loader');

    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      QueueUrl: 'http://q/build-dlq',
      MessageBody: '{"type":"model.built"}',
      MessageAttributes: {
        [FailureAttribute.failure]: { DataType: 'String', StringValue: expect.any(String) },
        [FailureAttribute.errorCode]: { DataType: 'String', StringValue: 'E_DOWN' },
      },
    });
    const failure = sent[0]?.MessageAttributes?.[FailureAttribute.failure] as { StringValue: string };
    const reason = JSON.parse(failure.StringValue) as FailureReason;
    expect(reason).toEqual({
      errorName: 'Error',
      errorCode: 'E_DOWN',
      errorMessage: 'cannot reach postgres://loader:***@dw/dw',
      stack: expect.stringMatching(/^Error: cannot reach postgres:\/\/loader:\*\*\*@dw\/dw\n {4}at /),
      service: 'warehouse-loader',
      attempts: 3,
      firstFailedAt: '2024-11-15T10:00:00.000Z',
      failedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    } satisfies Record<keyof FailureReason, unknown>);
    expect(reason.stack.split('\n')).toHaveLength(4);
    expect(JSON.stringify(sent)).not.toContain('s3cret');
  });

  it('records an error without a code as UNKNOWN, a message received once as one attempt, an empty body as such', async () => {
    const sent: { MessageBody?: string; MessageAttributes?: Record<string, { StringValue?: string }> }[] = [];
    const sqs = {
      send: async (command: { input: (typeof sent)[number] }) => sent.push(command.input),
    } as unknown as SQSClient;
    const queue = { url: 'http://q/build', deadLetterUrl: 'http://q/build-dlq' } as QueueEndpoint;

    await deadLetter(sqs, queue, { Body: '' }, new TypeError('boom'), 'fact-builder');

    expect(sent[0]?.MessageBody).toBe('(empty body)');
    const attributes = sent[0]?.MessageAttributes ?? {};
    expect(attributes[FailureAttribute.errorCode]?.StringValue).toBe('UNKNOWN');
    expect(JSON.parse(attributes[FailureAttribute.failure]?.StringValue ?? '')).toMatchObject({
      errorName: 'TypeError',
      errorCode: 'UNKNOWN',
      errorMessage: 'boom',
      service: 'fact-builder',
      attempts: 1,
    });
  });

  it('keeps a dead-lettered, deferred model.built within the 10 message attributes SQS allows', async () => {
    const sent: { MessageAttributes?: Record<string, unknown> }[] = [];
    const sqs = {
      send: async (command: { input: { MessageAttributes?: Record<string, unknown> } }) =>
        sent.push(command.input),
    } as unknown as SQSClient;
    const queue = { url: 'http://q/load', deadLetterUrl: 'http://q/load-dlq' } as QueueEndpoint;
    const routed = (value: string) => ({ DataType: 'String', StringValue: value });
    const raw: Message = {
      Body: '{"type":"model.built"}',
      MessageAttributes: {
        type: routed('model.built'),
        table: routed('sales_order'),
        model: routed('fact_sales_order'),
        kind: routed('fact'),
        'totes-deferrals': { DataType: 'Number', StringValue: '60' },
      },
    };

    await deadLetter(sqs, queue, raw, new Error('dimensions never arrived'), 'warehouse-loader');

    expect(Object.keys(sent[0]?.MessageAttributes ?? {}).length).toBeLessThanOrEqual(10);
  });
});
