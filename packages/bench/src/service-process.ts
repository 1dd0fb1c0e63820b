import { writeFile } from 'node:fs/promises';
import { type Platform, startPlatform } from '@totes/cli/platform';
import { createLogger, loadConfig } from '@totes/runtime';
import { type CpuProfiler, startCpuProfiler, summariseCpuProfile } from './cpu-profile';
import { BenchError, BenchErrorCode } from './errors';
import { startMemorySampler } from './memory-sampler';
import {
  type ServiceCommand,
  type ServiceEvent,
  type ServiceProcessRequest,
  type ServiceReport,
  serviceRequestVariable,
} from './process-protocol';

/**
 * A service process: the services it is asked for (one, as on AWS, or all five for the profiled load) against the
 * platform process' fauxqs. It forwards the services' events and debug log lines to the platform process, samples
 * its own memory from the start, and answers the platform process' commands (detect, usage, profile, stop).
 */
export async function runServiceProcess(): Promise<void> {
  const request = JSON.parse(process.env[serviceRequestVariable] ?? 'null') as ServiceProcessRequest | null;
  if (!request || !process.send)
    throw new Error(`run by the benchmark's platform process only, with ${serviceRequestVariable} and IPC`);
  const send = (report: ServiceReport) => {
    if (process.connected) process.send?.(report);
  };
  // The platform process gone (ended, or killed on Ctrl-C) takes its services with it.
  process.once('disconnect', () => process.exit(process.exitCode ?? 0));
  const sampler = startMemorySampler(100);
  const forward = (event: ServiceEvent) => send({ type: 'event', event });
  try {
    const platform: Platform = await startPlatform({
      config: loadConfig(
        {},
        {
          sourceUrl: request.sourceUrl,
          warehouseUrl: request.warehouseUrl,
          lakeUrl: request.lakeDir,
          stage: 'bench',
          inboxUrl: request.inboxDir,
          // The platform's settings come from the request, not this process' environment, whose TOTES_ URLs
          // could name another warehouse; the bench's own option sets the one tuning knob it varies.
          loadParallelism: request.loadParallelism,
        },
      ),
      awsEndpoint: request.awsEndpoint,
      logger: createLogger({}, { level: 'debug', write: (line) => send({ type: 'log', line }) }),
      events: {
        onDetected: (value) => forward({ kind: 'detected', value }),
        onExtracted: (value) => forward({ kind: 'extracted', value }),
        onBuilt: (value) => forward({ kind: 'built', value }),
        onLoaded: (value) => forward({ kind: 'loaded', value }),
        onRunCompleted: (value) => forward({ kind: 'runCompleted', value }),
      },
      freshQueues: true,
      services: request.services,
    });
    let detector: ReturnType<Platform['startDetector']> | undefined;
    let profiler: CpuProfiler | undefined;
    const stopped = new Promise<void>((resolve) => {
      const answer = async (command: ServiceCommand): Promise<unknown> => {
        switch (command.type) {
          case 'detectOnce':
            return platform.detectOnce();
          case 'startDetector':
            detector = platform.startDetector(command.intervalMs);
            return null;
          case 'stopDetector':
            await detector?.stop();
            detector = undefined;
            return null;
          case 'usage': {
            const memory = sampler.peaks();
            if (command.reset) sampler.reset();
            const cpu = process.cpuUsage();
            return { memory, rssBytes: process.memoryUsage.rss(), cpuMs: (cpu.user + cpu.system) / 1000 };
          }
          case 'startProfile':
            profiler = await startCpuProfiler(1000);
            return null;
          case 'stopProfile': {
            if (!profiler)
              throw new BenchError(BenchErrorCode.platformProcessFailed, 'no profile was started');
            const raw = await profiler.stop();
            profiler = undefined;
            if (command.rawProfilePath) await writeFile(command.rawProfilePath, JSON.stringify(raw));
            return summariseCpuProfile(raw, { repoRoot: command.repoRoot, samplingIntervalUs: 1000 });
          }
          case 'stop':
            await detector?.stop();
            await platform.stop();
            resolve();
            return null;
        }
      };
      process.on('message', (command: ServiceCommand) => {
        answer(command).then(
          (value) => send({ type: 'reply', id: command.id, value }),
          (error: unknown) =>
            send({
              type: 'replyFailed',
              id: command.id,
              message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            }),
        );
      });
    });
    send({ type: 'ready', tsx: tsxLoaded() });
    await stopped;
  } catch (error) {
    send({
      type: 'failed',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    process.exitCode = 1;
  } finally {
    sampler.stop();
    process.disconnect?.();
  }
}

/** Whether this process was started with tsx's loader (`--import tsx`, in its flags or in NODE_OPTIONS). */
function tsxLoaded(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => /\btsx\b/.test(flag));
}
