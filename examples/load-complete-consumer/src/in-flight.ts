import type { LoadCompleteEvent } from '@totes/contracts';

/** A load or a run that has started and not ended yet, as its START said. */
export interface InFlight {
  /** The OpenLineage job: `load.<model>`, or `run`. */
  readonly job: string;
  readonly runId: string;
  readonly startedAt: string;
}

/** What a consumer knows of the loads and runs in flight, from the events it was handed. */
export interface LoadsInFlight {
  /** Feed it every event; it returns the event's load or run once that has ended, with how long it ran. */
  track(event: LoadCompleteEvent): { job: string; runId: string; tookMs: number | undefined } | undefined;
  inFlight(): InFlight[];
}

/**
 * Tracks loads and runs in flight by their OpenLineage run id: a START opens one, its COMPLETE or FAIL closes it.
 * Events may come twice and out of order (SNS to SQS is at least once, unordered): a START seen again changes
 * nothing, and a START after its end is not opened again.
 */
export function trackLoadsInFlight(): LoadsInFlight {
  const open = new Map<string, InFlight>();
  const ended = new Set<string>();
  return {
    track(event) {
      const { runId } = event.run;
      const job = event.job.name;
      if (event.eventType === 'START') {
        if (!ended.has(runId) && !open.has(runId))
          open.set(runId, { job, runId, startedAt: event.eventTime });
        return undefined;
      }
      const started = open.get(runId);
      open.delete(runId);
      ended.add(runId);
      const tookMs = started ? Date.parse(event.eventTime) - Date.parse(started.startedAt) : undefined;
      return { job, runId, tookMs };
    },
    inFlight: () => [...open.values()],
  };
}
