import { queueEndpointOf, recordingRuntime, sqsRecord } from '@totes/aws-entry/testing';
import { MessageType, newEnvelope } from '@totes/contracts';
import { ServiceName } from '@totes/model';
import { FailureAttribute } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { createExtractorHandler } from './lambda';

const queue = queueEndpointOf('test', 'table-extractor');

describe('the table-extractor Lambda entry', () => {
  it('dead-letters a message that is not a table.changed, without touching the source or the lake', async () => {
    const { runtime, sent } = recordingRuntime(ServiceName.tableExtractor, queue);
    const handler = createExtractorHandler(runtime);
    const built = {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: MessageType.modelBuilt,
      model: 'dim_currency',
      kind: 'dimension',
      table: 'currency',
      object: { key: 'processed/dim_currency/x', parts: [], rows: 0, bytes: 0 },
    };

    const response = await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(built))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent).toEqual([
      expect.objectContaining({
        QueueUrl: queue.deadLetterUrl,
        MessageAttributes: expect.objectContaining({
          [FailureAttribute.errorCode]: { DataType: 'String', StringValue: 'MESSAGE_REJECTED' },
        }),
      }),
    ]);
  });

  it('reports a table.changed whose extraction cannot start, for the queue to retry', async () => {
    const { runtime, sent } = recordingRuntime(ServiceName.tableExtractor, queue);
    const handler = createExtractorHandler(runtime);
    const changed = {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: MessageType.tableChanged,
      table: 'currency',
      window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
      rows: 3,
    };

    // The recording runtime has no databases: the extraction fails as it would with the source unreachable.
    const response = await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(changed))] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sent).toEqual([]);
  });
});
