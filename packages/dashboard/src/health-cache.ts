import type { HealthReport, HealthSource } from './types';

/** The health report, read at most once per `maxAgeMs` however many panels and pages ask, until invalidated. */
export interface HealthCache {
  read(): Promise<HealthReport>;
  invalidate(): void;
}

/**
 * `onChange` hears of every read whose alerts or dead letters differ from the read before it, whoever asked for it (a
 * page being drawn, or the watcher): the pages drawn from the earlier report are then out of date.
 */
export function createHealthCache(
  source: HealthSource,
  options: { maxAgeMs?: number; onChange?: () => void } = {},
): HealthCache {
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  let held: { at: number; report: Promise<HealthReport> } | undefined;
  let lastSeen: string | undefined;
  const seen = (report: HealthReport) => {
    const signature = healthSignature(report);
    if (lastSeen !== undefined && signature !== lastSeen) options.onChange?.();
    lastSeen = signature;
    return report;
  };
  return {
    read() {
      if (!held || Date.now() - held.at > maxAgeMs) {
        const report = source.read().then(seen);
        held = { at: Date.now(), report };
        // A failed read is not kept: the next panel asks again.
        report.catch(() => {
          if (held?.report === report) held = undefined;
        });
      }
      return held.report;
    },
    invalidate() {
      held = undefined;
    },
  };
}

/** What, in a health report, is worth telling open pages about when it changes with no load event: alerts, dead letters. */
export function healthSignature(report: HealthReport): string {
  return JSON.stringify([
    report.alerts,
    report.queues?.map((queue) => queue.deadLetters) ?? null,
    report.queuesError,
  ]);
}
