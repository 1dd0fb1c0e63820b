import { newEnvelope, type PlatformMessage } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { messageAttributesOf } from './publisher';

const envelope = newEnvelope({ runId: crypto.randomUUID(), causationId: null });
const object = { key: 'k', parts: ['k/part-00000.parquet'], rows: 1, bytes: 1 };
const text = (value: string) => ({ DataType: 'String', StringValue: value });

describe('messageAttributesOf', () => {
  it.each<[string, PlatformMessage, Record<string, ReturnType<typeof text>>]>([
    [
      'a table change by type and table',
      {
        ...envelope,
        type: 'table.changed',
        table: 'staff',
        window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
        rows: 1,
      },
      { type: text('table.changed'), table: text('staff') },
    ],
    [
      'an extraction by type and table',
      {
        ...envelope,
        type: 'table.extracted',
        table: 'department',
        window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
        watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 1 },
        object,
      },
      { type: text('table.extracted'), table: text('department') },
    ],
    [
      'a build by type, table, model and kind',
      {
        ...envelope,
        type: 'model.built',
        model: 'dim_staff',
        kind: 'dimension',
        table: 'department',
        object,
      },
      {
        type: text('model.built'),
        table: text('department'),
        model: text('dim_staff'),
        kind: text('dimension'),
      },
    ],
    [
      'a completed run by type alone',
      {
        ...envelope,
        type: 'run.completed',
        tables: ['staff'],
        models: ['dim_staff'],
        watermarks: [],
        startedAt: '2024-11-15T10:00:00.000Z',
        durationMs: 1,
      },
      { type: text('run.completed') },
    ],
  ])('labels %s', (_case, message, attributes) => {
    expect(messageAttributesOf(message)).toEqual(attributes);
  });
});
