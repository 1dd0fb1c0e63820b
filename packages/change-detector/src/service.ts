import { piecesOf } from '@totes/contracts';
import { ServiceName, TopicName } from '@totes/model';
import type { LineageNamespaces, Logger, Publisher, RunLedger } from '@totes/runtime';
import { detectChanges } from './detect-changes';
import { runStartedEvent } from './run-started';
import type { DetectionOptions, DetectionResult, DetectorPorts } from './types';

export interface ChangeDetectorServiceOptions {
  ports: DetectorPorts;
  publisher: Publisher;
  runs: Pick<RunLedger, 'startRun'>;
  logger: Logger;
  /** Where the run's job and the source tables are named, for its `run.started` event. */
  namespaces: Pick<LineageNamespaces, 'job' | 'source'>;
}

/**
 * Runs one detection cycle under a new runId and publishes a `changes` message per changed table, after the run's
 * `run.started` (its OpenLineage START) on `load-complete`.
 */
export async function runDetectionCycle(
  options: ChangeDetectorServiceOptions,
  detection: DetectionOptions = {},
): Promise<DetectionResult> {
  const runId = crypto.randomUUID();
  const logger = options.logger.child({ service: ServiceName.changeDetector, runId });
  const result = await detectChanges(runId, options.ports, detection);
  const tables = [
    ...new Set([...result.changes, ...result.deleteChecks, ...result.files].map((change) => change.table)),
  ];
  // The run is recorded before its first message leaves, so its completion can always be judged; its START leaves
  // before its first change, so it comes before anything that can complete the run.
  if (tables.length > 0) {
    await options.runs.startRun(runId, tables);
    await options.publisher.publish(
      TopicName.loadComplete,
      runStartedEvent(runId, tables, options.namespaces),
    );
  }
  for (const change of result.changes) {
    await options.publisher.publish(TopicName.changes, change);
    logger.info('table changed', {
      table: change.table,
      messageId: change.id,
      rows: change.rows,
      window: change.window,
    });
  }
  for (const rewound of result.rewound) {
    logger.warn('watermark beyond the source clock moved back; the rows after it are extracted again', {
      ...rewound,
    });
  }
  for (const check of result.deleteChecks) {
    await options.publisher.publish(TopicName.changes, check);
    logger.info('delete check asked for', { table: check.table, messageId: check.id });
  }
  for (const file of result.files) {
    await options.publisher.publish(TopicName.changes, file);
    const pieces = piecesOf(file);
    logger.info(pieces.length === 1 ? 'inbox file claimed' : 'inbox files claimed together', {
      table: file.table,
      file: file.file.key,
      ...(pieces.length > 1 ? { files: pieces.length } : {}),
      messageId: file.id,
    });
  }
  for (const file of result.quarantinedFiles) {
    logger.error('inbox file quarantined', { file: file.key, version: file.version, reason: file.reason });
  }
  for (const table of result.resumed) {
    logger.info('source table matches the catalog again; its extraction resumes', { table });
  }
  for (const skip of result.skipped.filter((entry) => entry.reason === 'failed')) {
    logger.error('detection failed for table', { table: skip.table, error: skip.error });
  }
  return result;
}

/** A detector running on an interval. */
export interface DetectorLoop {
  stop(): Promise<void>;
}

/** The detector's local entry: a cycle every `intervalMs`, never two at once. */
export function startChangeDetector(
  options: ChangeDetectorServiceOptions & { intervalMs: number; onCycle?: (result: DetectionResult) => void },
): DetectorLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = runDetectionCycle(options)
      .then((result) => options.onCycle?.(result))
      .catch((error) =>
        options.logger.error('detection cycle failed', { service: ServiceName.changeDetector, error }),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
