import {
  facetSchemaUrl,
  openLineageProducer,
  openLineageSchemaUrl,
  RunCompleted,
  totesFacets,
} from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { lineageNamespaces } from '../lineage';
import { runCompletedMessage } from './run-completed';

const namespaces = lineageNamespaces({
  stage: 'dev',
  sourceUrl: 'postgres://reader:s3cret@source.example/totesys',
  warehouseUrl: 'postgres://loader:s3cret@warehouse.example:5432/dw',
  warehouseSchema: 'public',
  lakeUrl: 's3://totes-lake/dev',
});

const run = {
  runId: crypto.randomUUID(),
  tables: ['staff', 'department'],
  models: ['dim_staff'],
  startedAt: new Date('2024-11-15T10:00:00.000Z'),
  watermarks: [
    { table: 'staff', watermark: { lastUpdated: '2024-11-15T09:59:00.000', id: 9 } },
    { table: 'department', watermark: null },
  ],
};

describe('runCompletedMessage', () => {
  it('announces a completed run as an OpenLineage COMPLETE event of the job run, from source to warehouse', () => {
    const cause = { id: crypto.randomUUID(), runId: run.runId };

    const completed = runCompletedMessage(run, cause, namespaces, new Date('2024-11-15T10:00:02.500Z'));

    expect(RunCompleted.parse(completed)).toEqual(completed);
    expect(completed).toMatchObject({
      type: 'run.completed',
      runId: run.runId,
      causationId: cause.id,
      eventType: 'COMPLETE',
      eventTime: '2024-11-15T10:00:02.500Z',
      producer: openLineageProducer,
      schemaURL: openLineageSchemaUrl,
      run: { runId: run.runId },
      job: { namespace: 'totes-dev', name: 'run' },
      inputs: [
        { namespace: 'postgres://source.example:5432', name: 'totesys.public.staff' },
        { namespace: 'postgres://source.example:5432', name: 'totesys.public.department' },
      ],
      outputs: [{ namespace: 'postgres://warehouse.example:5432', name: 'dw.public.dim_staff' }],
      tables: ['staff', 'department'],
      models: ['dim_staff'],
      watermarks: run.watermarks,
      startedAt: '2024-11-15T10:00:00.000Z',
      durationMs: 2500,
    });
    expect(completed.run.facets).toMatchObject({
      totes_watermarks: {
        _producer: openLineageProducer,
        _schemaURL: facetSchemaUrl(totesFacets.watermarks),
        watermarks: run.watermarks,
      },
      totes_duration: {
        _producer: openLineageProducer,
        _schemaURL: facetSchemaUrl(totesFacets.duration),
        startedAt: '2024-11-15T10:00:00.000Z',
        durationMs: 2500,
      },
    });
    expect(JSON.stringify(completed)).not.toContain('s3cret');
  });

  it('never reports a negative duration when the clock is behind the start', () => {
    const completed = runCompletedMessage(
      run,
      { id: crypto.randomUUID(), runId: run.runId },
      namespaces,
      new Date('2024-11-15T09:59:59.000Z'),
    );

    expect(completed.durationMs).toBe(0);
    expect(completed.run.facets?.totes_duration).toMatchObject({ durationMs: 0 });
  });
});
