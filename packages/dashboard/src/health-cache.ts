import type { HealthReport, HealthSource } from './types';

/** The health report, read at most once per `maxAgeMs` however many panels and pages ask, until invalidated. */
export interface HealthCache {
  read(): Promise<HealthReport>;
  invalidate(): void;
}

export function createHealthCache(source: HealthSource, options: { maxAgeMs?: number } = {}): HealthCache {
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  let held: { at: number; report: Promise<HealthReport> } | undefined;
  return {
    read() {
      if (!held || Date.now() - held.at > maxAgeMs) {
        const report = source.read();
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
