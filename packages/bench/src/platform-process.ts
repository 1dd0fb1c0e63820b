import { readFile } from 'node:fs/promises';
import { createRunTracker, type PlatformEvents, startPlatform, waitForDrain } from '@totes/cli';
import type { ModelLoaded, TableExtracted } from '@totes/contracts';
import { startLocalAws } from '@totes/local-stack';
import { createLogger, loadConfig } from '@totes/runtime';
import { createRunCompletions, highestPeak, measureFullLoad } from './full-load';
import { measureInboxDrops } from './inbox/inbox-drop';
import { serviceNodeFlags } from './options';
import {
  type DetectCycleTimes,
  type PlatformProcessCommand,
  type PlatformProcessReport,
  type PlatformProcessRequest,
  requestVariable,
} from './process-protocol';
import { localStackProcessName, type ServiceFleet, startServiceFleet } from './service-fleet';
import { createLogRecorder } from './stage-timings';
import { percentile } from './statistics';

/**
 * The platform process: the local stack's fauxqs, and the services in processes of their own (one per service, or
 * all five in one for the profiled load), which it forks and drives. Runs the full load, reports it to the parent,
 * then, when asked, keeps detecting on an interval until the parent says stop. Seeding, the floor and the
 * warehouse probes live in the parent; the services' memory and CPU are their processes' own.
 */
export async function runPlatformProcess(): Promise<void> {
  const carried = process.env[requestVariable] ?? 'null';
  const json = carried.startsWith('@') ? await readFile(carried.slice(1), 'utf8') : carried;
  const request = JSON.parse(json) as PlatformProcessRequest | null;
  if (!request || !process.send)
    throw new Error(`run by the benchmark only, with ${requestVariable} and IPC`);
  const recorder = createLogRecorder();
  const send = (report: PlatformProcessReport) =>
    new Promise<void>((resolve, reject) =>
      process.send?.(report, undefined, {}, (error) => (error ? reject(error) : resolve())),
    );
  let fleet: ServiceFleet | undefined;
  try {
    const aws = await startLocalAws();
    const config = loadConfig(
      {},
      {
        sourceUrl: request.sourceUrl,
        warehouseUrl: request.warehouseUrl,
        lakeUrl: request.lakeDir,
        stage: 'bench',
        inboxUrl: request.inboxDir,
      },
    );
    const tracker = createRunTracker();
    const completions = createRunCompletions();
    const extracted: TableExtracted[] = [];
    const loaded: ModelLoaded[] = [];
    const detectedAt: number[] = [];
    const events: PlatformEvents = {
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
    };
    // No service runs here: this migrates, provisions, and reads the queue depths.
    const control = await startPlatform({
      config,
      awsEndpoint: aws.endpoint,
      logger: createLogger({}, { level: 'warn', write: recorder.write }),
      services: [],
    });
    fleet = await startServiceFleet({
      layout: request.layout,
      extractors: request.extractors ?? 1,
      launch: {
        nodeFlags: serviceNodeFlags(request.serviceHeapMb),
        bundle: request.serviceBundle,
      },
      control,
      request: {
        sourceUrl: request.sourceUrl,
        warehouseUrl: request.warehouseUrl,
        lakeDir: request.lakeDir,
        inboxDir: request.inboxDir,
        awsEndpoint: aws.endpoint,
        loadParallelism: request.loadParallelism,
      },
      listeners: {
        onLog: recorder.write,
        onEvent: (event) => {
          switch (event.kind) {
            case 'detected':
              return events.onDetected?.(event.value);
            case 'extracted':
              return events.onExtracted?.(event.value);
            case 'built':
              return events.onBuilt?.(event.value);
            case 'loaded':
              return events.onLoaded?.(event.value);
            case 'runCompleted':
              return events.onRunCompleted?.(event.value);
          }
        },
      },
    });
    const platform = fleet.platform;
    if (request.inboxDrops) {
      const results = await measureInboxDrops(request.inboxDrops, {
        platform,
        meter: fleet.meter,
        config,
        extracted,
        loaded,
        recorder,
        repoRoot: request.repoRoot,
        timeoutMs: request.timeoutMs,
      });
      await send({ type: 'inboxDrops', results });
      await fleet.stop();
      await control.stop();
      await send({
        type: 'stopped',
        memory: highestPeak(
          results.at(-1)?.processes.filter((entry) => entry.name !== localStackProcessName) ?? [],
        ).memory,
        processes: results.at(-1)?.processes ?? [],
        detectCycle: cycleTimes([], 0),
        errors: recorder.errors,
      });
      await aws.stop();
      return;
    }
    const result = await measureFullLoad(
      {
        platform,
        tracker,
        completions,
        recorder,
        extracted,
        loaded,
        postgresDataDir: request.postgresDataDir,
        repoRoot: request.repoRoot,
        meter: fleet.meter,
      },
      {
        timeoutMs: request.timeoutMs,
        profile: request.profilePath !== null,
        rawProfilePath: request.profilePath,
      },
    );
    await waitForDrain(platform, { timeoutMs: request.timeoutMs });
    await send({ type: 'fullLoad', result });

    if (request.detectIntervalMs !== null) {
      await fleet.meter.start({ profile: false });
      const stopped = new Promise<void>((resolve) =>
        process.on('message', (command: PlatformProcessCommand) => {
          if (command.type === 'stop') resolve();
        }),
      );
      const firstCycle = detectedAt.length;
      platform.startDetector(request.detectIntervalMs);
      await send({ type: 'detecting', awsEndpoint: aws.endpoint });
      await stopped;
      const detectCycle = cycleTimes(detectedAt.slice(firstCycle), request.detectIntervalMs);
      await waitForDrain(platform, { timeoutMs: request.timeoutMs });
      const { processes } = await fleet.meter.stop({ rawProfilePath: null, repoRoot: request.repoRoot });
      await fleet.stop();
      await control.stop();
      const services = processes.filter((entry) => entry.name !== localStackProcessName);
      await send({
        type: 'stopped',
        memory: highestPeak(services).memory,
        processes,
        detectCycle,
        errors: recorder.errors,
      });
    } else {
      await fleet.stop();
      await control.stop();
      await send({
        type: 'stopped',
        memory: result.memory,
        processes: result.processes,
        detectCycle: cycleTimes([], 0),
        errors: recorder.errors,
      });
    }
    await aws.stop();
  } catch (error) {
    fleet?.kill();
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
