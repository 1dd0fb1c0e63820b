import { OpenLineageRunEvent, RunStarted } from '@totes/contracts';
import { runLineageNamespaces } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { runStartedEvent } from './run-started';

const runId = '3f0c8a52-6d1e-4b7a-9c2f-5e8d1a4b7c90';
const namespaces = runLineageNamespaces({
  stage: 'prod',
  sourceUrl: 'postgres://reader:s3cret@totesys.example:5432/totesys',
});

describe('runStartedEvent', () => {
  it('announces a cycle that found changes as the OpenLineage START of the job run, reading the changed tables', () => {
    const started = runStartedEvent(
      runId,
      ['design', 'staff'],
      namespaces,
      new Date('2026-11-22T04:10:18.995Z'),
    );

    expect(RunStarted.parse(started)).toEqual(started);
    expect(OpenLineageRunEvent.safeParse(started).success).toBe(true);
    expect(started).toMatchObject({
      type: 'run.started',
      runId,
      causationId: null,
      eventType: 'START',
      eventTime: '2026-11-22T04:10:18.995Z',
      run: { runId },
      job: { namespace: 'totes-prod', name: 'run' },
      inputs: [
        { namespace: 'postgres://totesys.example:5432', name: 'totesys.public.design' },
        { namespace: 'postgres://totesys.example:5432', name: 'totesys.public.staff' },
      ],
      outputs: [],
      tables: ['design', 'staff'],
    });
    expect(JSON.stringify(started)).not.toContain('s3cret');
  });
});
