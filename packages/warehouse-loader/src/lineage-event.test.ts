import { ModelBuilt, ModelLoaded, newEnvelope, uuidFor } from '@totes/contracts';
import { lineageNamespaces } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { modelLoadedEvent } from './lineage-event';

const namespaces = lineageNamespaces({
  stage: 'dev',
  sourceUrl: 'postgres://reader:pw@source.example:5432/totesys',
  warehouseUrl: 'postgres://loader:pw@warehouse.example:6543/dw',
  warehouseSchema: 'star',
  lakeUrl: 's3://totes-lake',
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
        name: 'processed/dim_staff/x',
        facets: { totes_lake: expect.objectContaining({ parts: 1, rows: 7, bytes: 512 }) },
      },
    ]);
    expect(loaded.outputs).toEqual([
      {
        namespace: 'postgres://warehouse.example:6543',
        name: 'dw.star.dim_staff',
        facets: { outputStatistics: expect.objectContaining({ rowCount: 6 }) },
      },
    ]);
    expect(loaded.run.facets).not.toHaveProperty('errorMessage');
  });

  it('gives the COMPLETE and the FAIL event of one built message the same run id', () => {
    const outcome = { received: 0, written: 0, firstDelivery: false };
    const complete = modelLoadedEvent(built, namespaces, { eventType: 'COMPLETE', outcome, durationMs: 1 });
    const fail = modelLoadedEvent(built, namespaces, { eventType: 'FAIL', outcome, durationMs: 1 });

    expect(fail.run.runId).toBe(complete.run.runId);
    expect(fail.id).not.toBe(complete.id);
  });
});
