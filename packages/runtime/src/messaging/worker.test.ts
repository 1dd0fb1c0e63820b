import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { newEnvelope } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { isPermanent, RejectedMessageError } from '../errors';
import type { QueueEndpoint } from './provision';
import { acceptMessage, deadLetter } from './worker';

const changed = {
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
  type: 'table.changed',
  table: 'staff',
  window: { after: null, upTo: '2024-11-15T10:00:00.000' },
  rows: 2,
};

function rejection(body: string | undefined, accepts: readonly ('table.changed' | 'model.built')[]): unknown {
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

describe('deadLetter', () => {
  it('copies the message to the dead-letter queue with its reason, the password redacted', async () => {
    const sent: unknown[] = [];
    const sqs = {
      send: async (command: { input: unknown }) => sent.push(command.input),
    } as unknown as SQSClient;
    const queue = { url: 'http://q/build', deadLetterUrl: 'http://q/build-dlq' } as QueueEndpoint;
    const raw: Message = {
      Body: '{"type":"model.built"}',
      MessageAttributes: { table: { DataType: 'String', StringValue: 'staff' } },
    };
    const error = Object.assign(new Error('cannot reach postgres://loader:s3cret@dw/dw'), { code: 'E_DOWN' });

    await deadLetter(sqs, queue, raw, error, 'warehouse-loader');

    expect(sent).toEqual([
      {
        QueueUrl: 'http://q/build-dlq',
        MessageBody: '{"type":"model.built"}',
        MessageAttributes: {
          table: { DataType: 'String', StringValue: 'staff' },
          'totes-error-name': { DataType: 'String', StringValue: 'Error' },
          'totes-error-code': { DataType: 'String', StringValue: 'E_DOWN' },
          'totes-error-message': {
            DataType: 'String',
            StringValue: 'cannot reach postgres://loader:***@dw/dw',
          },
          'totes-service': { DataType: 'String', StringValue: 'warehouse-loader' },
          'totes-failed-at': {
            DataType: 'String',
            StringValue: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          },
        },
      },
    ]);
  });
});
