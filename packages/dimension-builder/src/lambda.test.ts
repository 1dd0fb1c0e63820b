import { queueEndpointOf, recordingRuntime, sqsRecord } from '@totes/aws-entry/testing';
import { MessageType, newEnvelope } from '@totes/contracts';
import { ServiceName } from '@totes/model';
import { FailureAttribute } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { createDimensionBuilderHandler } from './lambda';

const extracted = () => ({
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
  type: MessageType.tableExtracted,
  table: 'sales_order',
  window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
  watermark: { lastUpdated: '2024-11-15T09:30:00.123', id: 7 },
  object: { key: 'raw/sales_order/x', parts: [], rows: 0, bytes: 0 },
});

const errorCodeOf = (input: Record<string, unknown> | undefined) =>
  ((input?.MessageAttributes ?? {}) as Record<string, { StringValue?: string }>)[FailureAttribute.errorCode]
    ?.StringValue;

describe('the dimension-builder Lambda entry', () => {
  it('refuses a record from a fact’s queue, dead-lettering it: it builds dimensions only', async () => {
    const queue = queueEndpointOf('test', 'build-fact-sales-order');
    const { runtime, sent } = recordingRuntime(ServiceName.dimensionBuilder, queue);

    const response = await createDimensionBuilderHandler(runtime)({
      Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted()))],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe(queue.deadLetterUrl);
    expect(errorCodeOf(sent[0])).toBe('NOT_A_DIMENSION');
  });

  it('builds the dimension its queue carries: a table it does not depend on is refused by the core', async () => {
    const queue = queueEndpointOf('test', 'build-dim-currency');
    const { runtime, sent } = recordingRuntime(ServiceName.dimensionBuilder, queue);

    const response = await createDimensionBuilderHandler(runtime)({
      Records: [sqsRecord(queue, 'm1', JSON.stringify(extracted()))],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(errorCodeOf(sent[0])).toBe('NOT_A_DEPENDENCY');
  });
});
