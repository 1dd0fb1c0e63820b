import { describe, expect, it } from 'vitest';
import { newEnvelope } from './envelope';
import { openLineageProducer, openLineageSchemaUrl } from './lineage';
import type { PlatformMessage } from './messages';
import { maxBodyBytes, parseMessage } from './parse';

const envelope = () => newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() });
const window = {
  after: { lastUpdated: '2024-11-15T09:00:00.000', id: 4 },
  rereadFrom: '2024-11-15T08:59:00.000',
  upTo: '2024-11-15T10:00:00.000',
};
const object = {
  key: 'raw/staff/2024-11-15/x',
  parts: ['raw/staff/2024-11-15/x/part-00000.parquet'],
  rows: 3,
  bytes: 900,
};

const warehouse = 'postgres://warehouse.example:5432';
const source = 'postgres://source.example:5432';

const facet = (schemaUrl: string, fields: Record<string, unknown>) => ({
  _producer: openLineageProducer,
  _schemaURL: schemaUrl,
  ...fields,
});

/** The OpenLineage RunEvent fields the load-complete events carry. */
const lineage = <E extends 'START' | 'COMPLETE' | 'FAIL'>(
  eventType: E,
  job: string,
  table: string,
  model: string,
) => ({
  eventType,
  eventTime: '2024-11-15T10:00:02.000Z',
  producer: openLineageProducer,
  schemaURL: openLineageSchemaUrl,
  run: {
    runId: crypto.randomUUID(),
    facets: { totes_duration: facet('https://example.com/totes_duration.json', { durationMs: 950 }) },
  },
  job: { namespace: 'totes-dev', name: job },
  inputs: [{ namespace: source, name: `totesys.public.${table}` }],
  outputs: [
    {
      namespace: warehouse,
      name: `dw.public.${model}`,
      outputFacets: { outputStatistics: facet('https://example.com/os.json', { rowCount: 2 }) },
    },
  ],
});

const modelLoaded = () =>
  ({
    ...envelope(),
    ...lineage('FAIL', 'load.fact_payment', 'payment', 'fact_payment'),
    type: 'model.loaded',
    model: 'fact_payment',
    kind: 'fact',
    table: 'payment',
    rows: { received: 3, written: 2 },
    firstDelivery: true,
    durationMs: 12.5,
  }) satisfies PlatformMessage;

const tableChanged = () =>
  ({ ...envelope(), type: 'table.changed', table: 'staff', window, rows: 3 }) satisfies PlatformMessage;

const validMessages: [string, PlatformMessage][] = [
  ['table.changed', tableChanged()],
  [
    'table.extracted',
    {
      ...envelope(),
      type: 'table.extracted',
      table: 'staff',
      window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
      watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 9 },
      object,
    },
  ],
  [
    'model.built',
    { ...envelope(), type: 'model.built', model: 'dim_staff', kind: 'dimension', table: 'staff', object },
  ],
  [
    'model.loading',
    {
      ...envelope(),
      ...lineage('START', 'load.fact_payment', 'payment', 'fact_payment'),
      type: 'model.loading',
      model: 'fact_payment',
      kind: 'fact',
      table: 'payment',
    },
  ],
  ['model.loaded', modelLoaded()],
  [
    'run.started',
    {
      ...envelope(),
      ...lineage('START', 'run', 'staff', 'dim_staff'),
      type: 'run.started',
      tables: ['staff'],
    },
  ],
  [
    'run.completed',
    {
      ...envelope(),
      ...lineage('COMPLETE', 'run', 'staff', 'dim_staff'),
      type: 'run.completed',
      tables: ['staff'],
      models: ['dim_staff'],
      watermarks: [
        { table: 'staff', watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 9 } },
        { table: 'design', watermark: null },
      ],
      startedAt: '2024-11-15T10:00:01.000Z',
      durationMs: 950,
    },
  ],
];

describe('parseMessage', () => {
  it.each(validMessages)('accepts a valid %s message as it was sent', (_type, message) => {
    expect(parseMessage(JSON.stringify(message))).toEqual({ ok: true, message });
  });

  it('accepts a message of an expected type', () => {
    const message = tableChanged();

    expect(parseMessage(JSON.stringify(message), ['table.changed'])).toEqual({ ok: true, message });
  });

  it.each([
    ['{not json', 'NOT_JSON', 'body is not JSON'],
    ['', 'NOT_JSON', 'body is not JSON'],
    ['null', 'INVALID_SHAPE', 'body has no string `type` field'],
    ['[1,2]', 'INVALID_SHAPE', 'body has no string `type` field'],
    ['{"type":"table.deleted","version":1}', 'UNKNOWN_TYPE', 'unknown message type "table.deleted"'],
  ])('rejects the body %j as %s', (body, reason, detail) => {
    const result = parseMessage(body);

    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok === false && result.detail).toContain(detail);
  });

  it.each([2, 0, '1', null])('rejects a message of version %j as UNKNOWN_VERSION', (version) => {
    const result = parseMessage(JSON.stringify({ ...tableChanged(), version }));

    expect(result).toEqual({
      ok: false,
      reason: 'UNKNOWN_VERSION',
      detail: `message version ${JSON.stringify(version)} is not 1`,
    });
  });

  it.each([
    ['rows', { rows: -1 }],
    ['table', { table: undefined }],
    ['window.upTo', { window: { after: null, rereadFrom: null, upTo: '2024-11-15 10:00:00' } }],
    [
      'window.after.id',
      {
        window: {
          after: { lastUpdated: '2024-11-15T09:00:00.000', id: 1.5 },
          rereadFrom: null,
          upTo: '2024-11-15T10:00:00.000',
        },
      },
    ],
    ['window.rereadFrom', { window: { after: null, upTo: '2024-11-15T10:00:00.000' } }],
    ['runId', { runId: 'run-1' }],
  ])('rejects a bad %s as INVALID_SHAPE with a detail naming the field', (field, change) => {
    const result = parseMessage(JSON.stringify({ ...tableChanged(), ...change }));

    expect(result).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' });
    expect(result.ok === false && result.detail).toContain(`→ at ${field}`);
  });

  it.each([
    ['eventType', { eventType: 'START' }],
    ['eventTime', { eventTime: '2024-11-15 10:00:02' }],
    ['producer', { producer: '' }],
    ['run.runId', { run: { runId: 'run-1' } }],
    ['job.name', { job: { namespace: 'totes-dev' } }],
    ['inputs', { inputs: undefined }],
    ['outputs[0].name', { outputs: [{ namespace: warehouse, name: '' }] }],
    [
      'outputs[0].outputFacets.outputStatistics._producer',
      { outputs: [{ namespace: warehouse, name: 'dw.public.x', outputFacets: { outputStatistics: {} } }] },
    ],
  ])(
    'rejects a model.loaded with a bad OpenLineage %s as INVALID_SHAPE, naming the field',
    (field, change) => {
      const result = parseMessage(JSON.stringify({ ...modelLoaded(), ...change }));

      expect(result).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' });
      expect(result.ok === false && result.detail).toContain(`→ at ${field}`);
    },
  );

  it('rejects a table name that is not an identifier, naming the field and the rule', () => {
    const result = parseMessage(JSON.stringify({ ...tableChanged(), table: 'staff; DROP TABLE x' }));

    expect(result).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' });
    expect(result.ok === false && result.detail).toContain('must be a lowercase identifier');
    expect(result.ok === false && result.detail).toContain('→ at table');
  });

  it('rejects a valid message of a type the caller does not expect', () => {
    const result = parseMessage(JSON.stringify(tableChanged()), ['model.built', 'model.loaded']);

    expect(result).toEqual({
      ok: false,
      reason: 'UNEXPECTED_TYPE',
      detail: 'expected model.built or model.loaded, got table.changed',
    });
  });

  it('rejects a body over 256 KiB as TOO_LARGE before parsing it', () => {
    const result = parseMessage(`"${'x'.repeat(maxBodyBytes)}"`);

    expect(result).toEqual({ ok: false, reason: 'TOO_LARGE', detail: 'body is larger than 262144 bytes' });
  });

  it('counts the size in UTF-8 bytes, not in characters', () => {
    const body = 'é'.repeat(maxBodyBytes / 2 + 1);

    expect(body.length).toBeLessThan(maxBodyBytes);
    expect(parseMessage(body)).toMatchObject({ ok: false, reason: 'TOO_LARGE' });
  });
});
