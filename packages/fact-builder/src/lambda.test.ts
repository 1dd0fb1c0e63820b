import { queueEndpointOf, recordingRuntime, sqsRecord } from '@totes/aws-entry/testing';
import { MessageType, newEnvelope } from '@totes/contracts';
import { ServiceName } from '@totes/model';
import { FailureAttribute } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { createFactBuilderHandler } from './lambda';

const extracted = (table: string) => ({
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
  type: MessageType.tableExtracted,
  table,
  window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
  watermark: { lastUpdated: '2024-11-15T09:30:00.123', id: 7 },
  object: { key: `raw/${table}/x`, parts: [], rows: 0, bytes: 0 },
});

const errorCodeOf = (input: Record<string, unknown> | undefined) =>
  ((input?.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>)[FailureAttribute.errorCode]
    ?.StringValue;

describe('the fact-builder Lambda entry', () => {
  it('refuses a record from a dimension’s queue, dead-lettering it: it builds facts only', async () => {
    const queue = queueEndpointOf('test', 'build-dim-currency');
    const { runtime, sent } = recordingRuntime(ServiceName.factBuilder, queue);

    const response = await createFactBuilderHandler(runtime)({
      Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted('currency')))],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent[0]?.QueueUrl).toBe(queue.deadLetterUrl);
    expect(errorCodeOf(sent[0])).toBe('NOT_A_FACT');
  });

  it('hands a fact’s own record to the core, which reports it for retry when the lake cannot be reached', async () => {
    const queue = queueEndpointOf('test', 'build-fact-sales-order');
    const { runtime, sent } = recordingRuntime(ServiceName.factBuilder, queue);

    const response = await createFactBuilderHandler(runtime)({
      Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted('sales_order')))],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sent).toEqual([]);
  });
});
