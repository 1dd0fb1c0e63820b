import { describe, expect, it } from 'vitest';
import { OpenLineageRunEvent } from './openlineage';

const facet = {
  _producer: 'https://example.com/producer',
  _schemaURL: 'https://example.com/f.json#/$defs/F',
};

/** A RunEvent as the spec's own examples write one, with a field of every kind. */
const event = () => ({
  eventType: 'START',
  eventTime: '2024-11-15T10:00:02.000+01:00',
  producer: 'https://example.com/producer',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId: '0196a4f2-7c3e-7d1a-9b2c-3d4e5f6a7b8c', facets: { nominalTime: { ...facet, at: 1 } } },
  job: { namespace: 'ns', name: 'job', facets: { sql: { ...facet, _deleted: false, query: 'SELECT 1' } } },
  inputs: [{ namespace: 'file', name: '/lake/a', facets: { schema: facet }, inputFacets: { dq: facet } }],
  outputs: [{ namespace: 's3://bucket', name: 'lake/b', outputFacets: { outputStatistics: facet } }],
});

describe('OpenLineageRunEvent, the zod mirror of spec 2-0-2', () => {
  it('accepts a RunEvent with facets everywhere, and keeps fields the spec does not name', () => {
    const withExtras = { ...event(), id: 'envelope-id', model: 'dim_staff' };

    expect(OpenLineageRunEvent.parse(withExtras)).toEqual(withExtras);
  });

  it('accepts the minimal RunEvent: no eventType, no inputs, no outputs', () => {
    const { eventType: _type, inputs: _inputs, outputs: _outputs, ...minimal } = event();

    expect(OpenLineageRunEvent.safeParse(minimal).success).toBe(true);
  });

  it.each([
    ['an eventTime without a zone', { eventTime: '2024-11-15T10:00:02.000' }],
    ['an eventType the spec does not list', { eventType: 'DONE' }],
    ['a producer that is not a URI', { producer: 'totes' }],
    ['no schemaURL', { schemaURL: undefined }],
    ['a runId that is not a UUID', { run: { runId: 'run-1' } }],
    ['a job without a name', { job: { namespace: 'ns' } }],
    [
      'a run facet without _producer',
      { run: { runId: event().run.runId, facets: { f: { _schemaURL: facet._schemaURL } } } },
    ],
    [
      'a dataset facet without _schemaURL',
      { inputs: [{ namespace: 'file', name: '/a', facets: { f: { _producer: facet._producer } } }] },
    ],
    [
      'an output facet that is not an object',
      { outputs: [{ namespace: 'file', name: '/a', outputFacets: { f: 3 } }] },
    ],
    [
      'a _deleted that is not a boolean',
      { job: { namespace: 'ns', name: 'j', facets: { f: { ...facet, _deleted: 'yes' } } } },
    ],
  ])('rejects %s', (_what, change) => {
    expect(OpenLineageRunEvent.safeParse({ ...event(), ...change }).success).toBe(false);
  });
});
