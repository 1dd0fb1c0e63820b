import type { LoadCompleteEvent } from '@totes/contracts';
import { describe, expect, it } from 'vitest';
import { trackLoadsInFlight } from './in-flight';

const runId = '5b0c7a52-6d1e-4b7a-9c2f-5e8d1a4b7c90';
const event = (eventType: 'START' | 'COMPLETE' | 'FAIL', eventTime: string) =>
  ({
    eventType,
    eventTime,
    run: { runId },
    job: { namespace: 'totes-prod', name: 'load.dim_staff' },
  }) as LoadCompleteEvent;

describe('trackLoadsInFlight', () => {
  it('holds a load from its START until its COMPLETE, and says how long it ran', () => {
    const loads = trackLoadsInFlight();

    loads.track(event('START', '2026-11-22T04:10:19.100Z'));
    const inFlight = loads.inFlight();
    const ended = loads.track(event('COMPLETE', '2026-11-22T04:10:19.141Z'));

    expect(inFlight).toEqual([{ job: 'load.dim_staff', runId, startedAt: '2026-11-22T04:10:19.100Z' }]);
    expect(ended).toEqual({ job: 'load.dim_staff', runId, tookMs: 41 });
    expect(loads.inFlight()).toEqual([]);
  });

  it('closes a load that failed, too', () => {
    const loads = trackLoadsInFlight();

    loads.track(event('START', '2026-11-22T04:10:19.100Z'));
    loads.track(event('FAIL', '2026-11-22T04:10:20.000Z'));

    expect(loads.inFlight()).toEqual([]);
  });

  it('does not open again a load whose START arrives again after its end', () => {
    const loads = trackLoadsInFlight();

    loads.track(event('START', '2026-11-22T04:10:19.100Z'));
    loads.track(event('COMPLETE', '2026-11-22T04:10:19.141Z'));
    loads.track(event('START', '2026-11-22T04:10:19.100Z'));

    expect(loads.inFlight()).toEqual([]);
  });

  it('ends a load whose START it never saw, without a duration', () => {
    const loads = trackLoadsInFlight();

    expect(loads.track(event('COMPLETE', '2026-11-22T04:10:19.141Z'))).toEqual({
      job: 'load.dim_staff',
      runId,
      tookMs: undefined,
    });
  });
});
