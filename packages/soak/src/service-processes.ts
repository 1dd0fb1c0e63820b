import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '@totes/model';
import { SoakServiceError } from './errors';

const cliBin = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));

/** What the service processes said in their logs, counted. */
export interface ServiceCounters {
  /** Messages failed and left on the queue for another try. */
  retries: number;
  /** Messages put back to wait. */
  deferrals: number;
  /** Messages the workers moved to a dead-letter queue themselves. */
  deadLetteredByWorkers: number;
  /** Processes that exited without being asked to. */
  crashes: number;
  kills: number;
  /** Processes that SIGKILLed themselves at an armed kill point (the harness sent no signal). */
  killPointExits: number;
  holds: number;
  /** Output lines (any stream, any process) that hold one of the configured secrets. */
  secretLines: number;
}

/** The platform's services, one `totes serve` process each, supervised. */
export interface ServiceProcesses {
  readonly counters: Readonly<ServiceCounters>;
  /**
   * SIGKILLs the service's process and starts a new one; resolves when the new one is serving. A process that has
   * already exited on its own (an aimed kill point, a crash) is not waited for: its restart is.
   */
  kill(service: ServiceName): Promise<void>;
  /** SIGSTOPs the service's process for `ms`, then SIGCONTs it. */
  hold(service: ServiceName, ms: number): Promise<void>;
  /** The last log lines of every service, for a failure report. */
  tail(lines: number): string[];
  /** The process id of the service's current process. */
  pid(service: ServiceName): number | undefined;
  /** SIGTERMs every process and waits for them to exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

/** How the service processes are started. */
export interface ServiceProcessOptions {
  readonly services: readonly ServiceName[];
  /** TOTES_* and AWS_ENDPOINT_URL, as `totes serve` reads them. */
  readonly env: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  readonly visibilityTimeoutSeconds: number;
  readonly claimLeaseSeconds: number;
  /** A process that exits on its own is started again after this long, as a supervisor would. */
  readonly restartDelayMs?: number;
  /** Told of a process that exited without being asked to, with its last log line. */
  readonly onCrash?: (service: ServiceName, exitCode: number | null, lastLine: string) => void;
  /** Passwords the processes are configured with: every output line is scanned for them. */
  readonly secrets?: readonly string[];
  /** What each process runs, before its `serve` arguments: the totes CLI under tsx unless told. */
  readonly command?: readonly string[];
}

/** The log messages of the workers that the counters follow (packages/runtime/src/messaging). */
export const WorkerLogMessage = {
  retry: 'message failed; left on the queue for retry',
  deferral: 'message deferred',
  deadLetter: 'message failed for good; moved to the dead-letter queue',
} as const;

/**
 * Counts one output line of a service into the counters: a line holding a secret, whatever it is, and the workers'
 * JSON log lines by message; other lines are ignored.
 */
export function countLogLine(line: string, counters: ServiceCounters, secrets: readonly string[] = []): void {
  if (secrets.some((secret) => line.includes(secret))) counters.secretLines += 1;
  if (!line.startsWith('{')) return;
  let message: unknown;
  try {
    message = (JSON.parse(line) as { message?: unknown }).message;
  } catch {
    return;
  }
  if (message === WorkerLogMessage.retry) counters.retries += 1;
  else if (message === WorkerLogMessage.deferral) counters.deferrals += 1;
  else if (message === WorkerLogMessage.deadLetter) counters.deadLetteredByWorkers += 1;
}

/** Starts one `totes serve --service <name>` process per service and waits until each says it is serving. */
export async function startServiceProcesses(options: ServiceProcessOptions): Promise<ServiceProcesses> {
  const counters: ServiceCounters = {
    retries: 0,
    deferrals: 0,
    deadLetteredByWorkers: 0,
    crashes: 0,
    kills: 0,
    killPointExits: 0,
    holds: 0,
    secretLines: 0,
  };
  const children = new Map<ServiceName, ChildProcess>();
  const expectedExits = new WeakSet<ChildProcess>();
  const recent: string[] = [];
  // Per service, the supervisor's restart of a process that exited on its own: resolves once the new one serves.
  const restarts = new Map<ServiceName, Promise<void>>();
  let stopping = false;

  const launch = (service: ServiceName): Promise<void> => {
    const child = spawn(
      process.execPath,
      [
        ...(options.command ?? ['--import', 'tsx', cliBin]),
        'serve',
        '--service',
        service,
        '--interval',
        String(options.intervalMs),
        '--visibility-timeout',
        String(options.visibilityTimeoutSeconds),
        '--claim-lease',
        String(options.claimLeaseSeconds),
      ],
      { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.set(service, child);
    let serving: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      serving = resolve;
    });
    let partial = '';
    const read = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        countLogLine(line, counters, options.secrets);
        if (line.includes('"message":"serving"')) serving();
        recent.push(`${service}: ${line}`);
        if (recent.length > 400) recent.splice(0, recent.length - 400);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (exitCode, signal) => {
      serving();
      if (stopping || expectedExits.has(child)) return;
      // A SIGKILL the harness did not send: the process reached an armed kill point and killed itself.
      if (signal === 'SIGKILL') counters.killPointExits += 1;
      else {
        counters.crashes += 1;
        options.onCrash?.(service, exitCode, recent.filter((line) => line.startsWith(service)).at(-1) ?? '');
      }
      restarts.set(
        service,
        new Promise<void>((resolve) =>
          setTimeout(() => {
            if (stopping) resolve();
            else void launch(service).then(resolve);
          }, options.restartDelayMs ?? 1000),
        ),
      );
    });
    return started;
  };

  const processOf = (service: ServiceName) => {
    const child = children.get(service);
    if (!child) throw new SoakServiceError(service, `no process runs ${service}`);
    return child;
  };

  await Promise.all(options.services.map(launch));

  return {
    counters,
    async kill(service) {
      const child = processOf(service);
      // Waiting for the exit of a process that is gone already would wait for ever.
      if (hasExited(child)) return restarts.get(service);
      expectedExits.add(child);
      const exited = once(child, 'exit');
      counters.kills += 1;
      child.kill('SIGKILL');
      await exited;
      await launch(service);
    },
    async hold(service, ms) {
      const child = processOf(service);
      counters.holds += 1;
      child.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, ms));
      child.kill('SIGCONT');
    },
    tail: (lines) => recent.slice(-lines),
    pid: (service) => children.get(service)?.pid,
    async stop() {
      stopping = true;
      await Promise.all(
        [...children.values()].map(async (child) => {
          if (hasExited(child)) return;
          const exited = once(child, 'exit');
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
