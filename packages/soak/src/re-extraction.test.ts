import { MessageType, type TableExtracted } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { corruptPartOf, reExtractionOf } from './re-extraction';

const extracted: TableExtracted = {
  id: '11111111-1111-4111-8111-111111111111',
  type: MessageType.tableExtracted,
  version: 1,
  occurredAt: '2026-01-01T10:00:00.000Z',
  runId: '22222222-2222-4222-8222-222222222222',
  causationId: '33333333-3333-4333-8333-333333333333',
  table: 'staff',
  window: { after: null, rereadFrom: null, upTo: '2026-01-01T09:59:59.000' },
  watermark: { lastUpdated: '2026-01-01T09:59:59.000', id: 7 },
  object: { key: 'raw/staff/x', parts: ['raw/staff/x/part-00000.parquet'], rows: 7, bytes: 900 },
};

describe('reExtractionOf', () => {
  it('asks for the same window again under the id of the request that first asked for it', () => {
    const request = reExtractionOf(extracted);

    expect(request).toEqual({
      id: extracted.causationId,
      type: MessageType.tableChanged,
      version: 1,
      occurredAt: extracted.occurredAt,
      runId: extracted.runId,
      causationId: null,
      table: 'staff',
      window: extracted.window,
      rows: 7,
    });
  });

  it('refuses a message that names no request', () => {
    const rebuild = () => reExtractionOf({ ...extracted, causationId: null });

    expect(rebuild).toThrow(TypeError);
  });
});

describe('corruptPartOf', () => {
  it('reads the part out of a CorruptLakeObjectError message', () => {
    const part = corruptPartOf(
      'Parquet part raw/staff/2026-01-01/w-abc/part-00000.parquet in lake s3://totes-soak-lake is not a readable Parquet file: EOF',
    );

    expect(part).toBe('raw/staff/2026-01-01/w-abc/part-00000.parquet');
  });

  it('finds nothing in another error', () => {
    expect(corruptPartOf('connect ECONNREFUSED 127.0.0.1:5432')).toBeUndefined();
  });
});
