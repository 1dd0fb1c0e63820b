import { writeFile } from 'node:fs/promises';
import { createRunTracker, startPlatform, waitForDrain } from '@totes/cli';
import type { ModelLoaded, TableExtracted } from '@totes/contracts';
import { startLocalAws } from '@totes/local-stack';
import { createLogger, loadConfig } from '@totes/runtime';
import { createRunCompletions, measureFullLoad } from './full-load';
import { startMemorySampler } from './memory-sampler';
import {
  type DetectCycleTimes,
  type PlatformProcessCommand,
  type PlatformProcessReport,
  type PlatformProcessRequest,
  requestVariable,
} from './process-protocol';
import { createLogRecorder } from './stage-timings';
import { percentile } from './statistics';

/**
 * The platform process: the five services in this one process over an in-process fauxqs, as `pnpm start` runs
 * them. Runs the full load, reports it to the parent, then, when asked, keeps detecting on an interval until the
 * parent says stop. Its memory and CPU are the platform's alone: seeding, the floor and the observers live in
 * the parent.
 */
export async function runPlatformProcess(): Promise<void> {
  const request = JSON.parse(process.env[requestVariable] ?? 'null') as PlatformProcessRequest | null;
  if (!request || !process.send)
    throw new Error(`run by the benchmark only, with ${requestVariable} and IPC`);
  const recorder = createLogRecorder();
  const send = (report: PlatformProcessReport) =>
    new Promise<void>((resolve, reject) =>
      process.send?.(report, undefined, {}, (error) => (error ? reject(error) : resolve())),
    );
  try {
    const aws = await startLocalAws();
    const config = loadConfig(
      {},
      {
        sourceUrl: request.sourceUrl,
        warehouseUrl: request.warehouseUrl,
        lakeUrl: request.lakeDir,
        stage: 'bench',
      },
    );
    const tracker = createRunTracker();
    const completions = createRunCompletions();
    const extracted: TableExtracted[] = [];
    const loaded: ModelLoaded[] = [];
    const detectedAt: number[] = [];
    const platform = await startPlatform({
      config,
      awsEndpoint: aws.endpoint,
      logger: createLogger({}, { level: 'debug', write: recorder.write }),
      events: {
        ...tracker.events,
        onDetected: (result) => {
          detectedAt.push(performance.now());
          tracker.events.onDetected?.(result);
        },
        onExtracted: (message) => {
          extracted.push(message);
          tracker.events.onExtracted?.(message);
        },
        onLoaded: (message) => {
          loaded.push(message);
          tracker.events.onLoaded?.(message);
        },
        onRunCompleted: (message) => {
          tracker.events.onRunCompleted?.(message);
          completions.onRunCompleted(message);
        },
      },
      freshQueues: true,
    });
    const { result, rawProfile } = await measureFullLoad(
      {
        platform,
        tracker,
        completions,
        recorder,
        extracted,
        loaded,
        postgresDataDir: request.postgresDataDir,
        repoRoot: request.repoRoot,
      },
      { timeoutMs: request.timeoutMs, profile: request.profilePath !== null },
    );
    if (request.profilePath && rawProfile) await writeFile(request.profilePath, JSON.stringify(rawProfile));
    await waitForDrain(platform, { timeoutMs: request.timeoutMs });
    await send({ type: 'fullLoad', result });

    if (request.detectIntervalMs !== null) {
      const sampler = startMemorySampler(100);
      const stopped = new Promise<void>((resolve) =>
        process.on('message', (command: PlatformProcessCommand) => {
          if (command.type === 'stop') resolve();
        }),
      );
      const firstCycle = detectedAt.length;
      platform.startDetector(request.detectIntervalMs);
      await send({ type: 'detecting' });
      await stopped;
      const detectCycle = cycleTimes(detectedAt.slice(firstCycle), request.detectIntervalMs);
      await waitForDrain(platform, { timeoutMs: request.timeoutMs });
      await platform.stop();
      await send({ type: 'stopped', memory: sampler.stop(), detectCycle, errors: recorder.errors });
    } else {
      await platform.stop();
      await send({
        type: 'stopped',
        memory: result.memory,
        detectCycle: cycleTimes([], 0),
        errors: recorder.errors,
      });
    }
    await aws.stop();
  } catch (error) {
    await send({
      type: 'failed',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      errors: recorder.errors,
    }).catch(() => {});
    process.exitCode = 1;
  } finally {
    process.disconnect?.();
  }
}

/**
 * The detector starts its next cycle `intervalMs` after the last one ended, so the gap between two cycles' ends,
 * less the interval, is how long the later cycle took (plus any lateness of the timer).
 */
function cycleTimes(endedAt: readonly number[], intervalMs: number): DetectCycleTimes {
  const durations = endedAt.slice(1).map((end, i) => Math.max(0, end - (endedAt[i] as number) - intervalMs));
  return {
    cycles: durations.length,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    maxMs: durations.length === 0 ? null : Math.max(...durations),
  };
}
