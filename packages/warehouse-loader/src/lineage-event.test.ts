import {
  facetSchemaUrl,
  ModelBuilt,
  ModelLoaded,
  ModelLoading,
  newEnvelope,
  OpenLineageRunEvent,
  openLineageProducer,
  totesFacets,
  uuidFor,
} from '@totes/contracts';
import { lineageNamespaces } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { modelLoadedEvent, modelLoadingEvent } from './lineage-event';

const namespaces = lineageNamespaces({
  stage: 'dev',
  sourceUrl: 'postgres://reader:pw@source.example:5432/totesys',
  warehouseUrl: 'postgres://loader:pw@warehouse.example:6543/dw',
  warehouseSchema: 'star',
  lakeUrl: 's3://totes-lake/lake/v1',
});

const built = ModelBuilt.parse({
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
  type: 'model.built',
  model: 'dim_staff',
  kind: 'dimension',
  table: 'staff',
  object: {
    key: 'processed/dim_staff/x',
    parts: ['processed/dim_staff/x/part-00000.parquet'],
    rows: 7,
    bytes: 512,
  },
});

describe('modelLoadedEvent', () => {
  it('describes a failed load as an OpenLineage FAIL event of the same run, carrying the error', () => {
    const error = new Error('dimensions never arrived');
    const now = new Date('2024-11-15T10:00:05.000Z');

    const failed = modelLoadedEvent(built, namespaces, {
      eventType: 'FAIL',
      outcome: { received: 0, written: 0, firstDelivery: false },
      durationMs: 0,
      error,
      now,
    });

    expect(ModelLoaded.parse(failed)).toEqual(failed);
    expect(failed).toMatchObject({
      type: 'model.loaded',
      runId: built.runId,
      causationId: built.id,
      eventType: 'FAIL',
      eventTime: '2024-11-15T10:00:05.000Z',
      occurredAt: expect.any(String),
      run: { runId: uuidFor(`load:${built.id}`) },
      job: { namespace: 'totes-dev', name: 'load.dim_staff' },
      model: 'dim_staff',
      kind: 'dimension',
      table: 'staff',
      rows: { received: 0, written: 0 },
      firstDelivery: false,
    });
    expect(failed.run.facets?.errorMessage).toMatchObject({
      _schemaURL: expect.stringContaining('ErrorMessageRunFacet'),
      message: 'dimensions never arrived',
      programmingLanguage: 'TypeScript',
      stackTrace: error.stack?.split('\n').slice(0, 8).join('\n'),
    });
  });

  it('redacts passwords from the error it publishes to other teams', () => {
    const failed = modelLoadedEvent(built, namespaces, {
      eventType: 'FAIL',
      outcome: { received: 0, written: 0, firstDelivery: false },
      durationMs: 0,
      error: new Error('connect to postgres://loader:s3cret@warehouse:5432/wh failed'),
    });
    expect(JSON.stringify(failed)).not.toContain('s3cret');
    expect(failed.run.facets?.errorMessage).toMatchObject({
      message: 'connect to postgres://loader:***@warehouse:5432/wh failed',
    });
  });

  it('names the datasets by their namespaces: the source table, the lake object with its size, the warehouse table', () => {
    const loaded = modelLoadedEvent(built, namespaces, {
      eventType: 'COMPLETE',
      outcome: { received: 7, written: 6, firstDelivery: true },
      durationMs: 40,
    });

    expect(loaded.inputs).toEqual([
      { namespace: 'postgres://source.example:5432', name: 'totesys.public.staff' },
      {
        namespace: 's3://totes-lake',
        name: 'lake/v1/processed/dim_staff/x',
        facets: {
          totes_lake: {
            _producer: openLineageProducer,
            _schemaURL: facetSchemaUrl(totesFacets.lake),
            parts: 1,
            rows: 7,
            bytes: 512,
          },
        },
      },
    ]);
    expect(loaded.outputs).toEqual([
      {
        namespace: 'postgres://warehouse.example:6543',
        name: 'dw.star.dim_staff',
        outputFacets: { outputStatistics: expect.objectContaining({ rowCount: 6 }) },
      },
    ]);
    expect(loaded.run.facets?.totes_load).toMatchObject({ _schemaURL: facetSchemaUrl(totesFacets.load) });
    expect(loaded.run.facets).not.toHaveProperty('errorMessage');
  });

  it('gives the COMPLETE and the FAIL event of one built message the same run id', () => {
    const outcome = { received: 0, written: 0, firstDelivery: false };
    const complete = modelLoadedEvent(built, namespaces, { eventType: 'COMPLETE', outcome, durationMs: 1 });
    const fail = modelLoadedEvent(built, namespaces, { eventType: 'FAIL', outcome, durationMs: 1 });

    expect(fail.run.runId).toBe(complete.run.runId);
    expect(fail.id).not.toBe(complete.id);
  });

  it('announces the start of a load as an OpenLineage START of the same run as its COMPLETE, before any count', () => {
    const now = new Date('2024-11-15T10:00:01.000Z');

    const loading = modelLoadingEvent(built, namespaces, now);
    const loaded = modelLoadedEvent(built, namespaces, {
      eventType: 'COMPLETE',
      outcome: { received: 7, written: 7, firstDelivery: true },
      durationMs: 3,
    });

    expect(ModelLoading.parse(loading)).toEqual(loading);
    expect(OpenLineageRunEvent.safeParse(loading).success).toBe(true);
    expect(loading).toMatchObject({
      type: 'model.loading',
      eventType: 'START',
      eventTime: '2024-11-15T10:00:01.000Z',
      runId: built.runId,
      causationId: built.id,
      run: { runId: loaded.run.runId },
      job: loaded.job,
      inputs: loaded.inputs,
      outputs: [{ namespace: 'postgres://warehouse.example:6543', name: 'dw.star.dim_staff' }],
      model: 'dim_staff',
      kind: 'dimension',
      table: 'staff',
    });
    expect(Object.keys(loading.run.facets ?? {})).toEqual(['parent']);
  });

  it('gives the START of a build delivered again the same id, so a consumer sees the same event', () => {
    const first = modelLoadingEvent(built, namespaces);
    const again = modelLoadingEvent(built, namespaces);

    expect(again.id).toBe(first.id);
    expect(first.id).not.toBe(built.id);
  });
});
