import { type ChildProcess, fork } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchError, BenchErrorCode } from './errors';
import type { FullLoadResult } from './full-load';
import type { InboxDropResult } from './inbox/inbox-drop';
import type { MemoryPeaks } from './memory-sampler';
import {
  type DetectCycleTimes,
  type PlatformProcessCommand,
  type PlatformProcessReport,
  type PlatformProcessRequest,
  requestVariable,
} from './process-protocol';
import type { ProcessUsage } from './service-fleet';

/** The benchmark's handle on a running platform process. */
export interface PlatformProcess {
  /** The process id, to tell the user what runs. */
  readonly pid: number | undefined;
  /** The full load's measures, once it completes. */
  fullLoad(): Promise<FullLoadResult>;
  /** The inbox drops' measures, once the last is in the warehouse (when the request asked for drops). */
  inboxDrops(): Promise<readonly InboxDropResult[]>;
  /** Resolves once the detector runs on its interval (when the request asked for one), with fauxqs' endpoint. */
  detecting(): Promise<{ awsEndpoint: string }>;
  /** Stops detection, drains, stops the platform and waits for the process to exit. */
  stop(): Promise<{
    memory: MemoryPeaks;
    processes: readonly ProcessUsage[];
    detectCycle: DetectCycleTimes;
    errors: readonly string[];
  }>;
  /** Ends the process at once, on the way out of a failed run. */
  kill(): void;
}

type ReportOf<T extends PlatformProcessReport['type']> = Extract<PlatformProcessReport, { type: T }>;

/**
 * Forks the platform process (`platform-process-entry.ts` under tsx), with the request in its environment and
 * an IPC channel for the reports.
 */
export function forkPlatformProcess(
  request: PlatformProcessRequest & { signal?: AbortSignal | undefined },
): PlatformProcess {
  const { signal, ...childRequest } = request;
  const require = createRequire(import.meta.url);
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const carried = carry(JSON.stringify(childRequest));
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./platform-process-entry.ts', import.meta.url)),
    [],
    {
      execArgv: ['--import', tsx],
      env: { ...process.env, [requestVariable]: carried },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}),
    },
  );
  const received = new Map<string, PlatformProcessReport>();
  const waiters = new Map<
    string,
    { resolve: (report: PlatformProcessReport) => void; reject: (e: Error) => void }
  >();
  let failure: BenchError | undefined;
  let exited = false;
  // Aborting kills the process; its exit then fails whatever waits on it.
  child.on('error', () => {});
  if (carried.startsWith('@')) child.once('exit', () => rmSync(carried.slice(1), { force: true }));
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, exitSignal) => {
      exited = true;
      if (!received.has('stopped')) {
        fail(`the platform process exited early (${exitSignal ?? `code ${code}`})`, []);
      }
      resolve();
    }),
  );
  const fail = (message: string, errors: readonly string[]) => {
    failure ??= new BenchError(
      BenchErrorCode.platformProcessFailed,
      [message, ...errors.map((line) => `  ${line}`)].join('\n'),
    );
    for (const waiter of waiters.values()) waiter.reject(failure);
    waiters.clear();
  };
  child.on('message', (report: PlatformProcessReport) => {
    if (report.type === 'failed') {
      fail(`the platform process failed: ${report.message}`, report.errors);
      return;
    }
    received.set(report.type, report);
    waiters.get(report.type)?.resolve(report);
    waiters.delete(report.type);
  });
  const expect = <T extends PlatformProcessReport['type']>(type: T): Promise<ReportOf<T>> => {
    const report = received.get(type);
    if (report) return Promise.resolve(report as ReportOf<T>);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) =>
      waiters.set(type, { resolve: (value) => resolve(value as ReportOf<T>), reject }),
    );
  };

  return {
    pid: child.pid,
    fullLoad: async () => (await expect('fullLoad')).result,
    inboxDrops: async () => (await expect('inboxDrops')).results,
    detecting: async () => ({ awsEndpoint: (await expect('detecting')).awsEndpoint }),
    stop: async () => {
      if (received.has('detecting') && child.connected) {
        child.send({ type: 'stop' } satisfies PlatformProcessCommand);
      }
      const stopped = await expect('stopped');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
      return {
        memory: stopped.memory,
        processes: stopped.processes,
        detectCycle: stopped.detectCycle,
        errors: stopped.errors,
      };
    },
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** The request as its variable carries it: the JSON, or `@` and a file holding it when too long for a variable. */
function carry(json: string): string {
  if (json.length < 64 * 1024) return json;
  const path = join(tmpdir(), `totes-bench-request-${crypto.randomUUID()}.json`);
  writeFileSync(path, json);
  return `@${path}`;
}
