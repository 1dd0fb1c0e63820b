import { startPlatform } from '../platform';
import { identityLine } from '../progress';
import { createRunTracker, formatSummary, type RunSummary } from '../run-tracker';
import { openEnvironment } from '../stack';
import { waitForDrain } from '../wait-for-drain';

export interface RunOnceOptions {
  seed: number;
  scale: number;
  timeoutMs: number;
  /** Ask for every table's delete check in this cycle, whatever the cadence. */
  checkDeletes?: boolean;
}

/**
 * `totes run --once`: one detection cycle, waiting until every message it caused is handled, then a summary.
 * Throws with a readable message when something was dead-lettered or the time ran out.
 */
export async function runOnce(options: RunOnceOptions): Promise<RunSummary> {
  const environment = await openEnvironment(options);
  const tracker = createRunTracker();
  const started = Date.now();
  try {
    const platform = await startPlatform({
      config: environment.config,
      awsEndpoint: environment.stack.awsEndpoint,
      logger: environment.logger,
      events: tracker.events,
      freshQueues: environment.stack.aws !== undefined,
    });
    try {
      const identity = identityLine(platform.identity);
      if (identity) process.stderr.write(`${identity}\n`);
      const detection = await platform.detectOnce({ checkDeletes: options.checkDeletes ?? false });
      await waitForDrain(platform, { timeoutMs: options.timeoutMs });
      const summary = tracker.summary(detection.runId, Date.now() - started);
      process.stdout.write(`${formatSummary(summary)}\n`);
      return summary;
    } finally {
      await platform.stop();
    }
  } finally {
    await environment.stack.stop();
  }
}
