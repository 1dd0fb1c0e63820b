import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchError, BenchErrorCode } from './errors';
import {
  type ServiceCommand,
  type ServiceEvent,
  type ServiceProcessRequest,
  type ServiceReplies,
  type ServiceReport,
  serviceRequestVariable,
} from './process-protocol';

type CommandOf<T extends ServiceCommand['type']> = Omit<Extract<ServiceCommand, { type: T }>, 'id'>;

/** The platform process' handle on one running service process. */
export interface ServiceProcess {
  /** The services it runs, joined by commas: its name in the report. */
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves once its services run. */
  ready(): Promise<void>;
  /** Sends a command and waits for its answer. */
  call<T extends ServiceCommand['type']>(command: CommandOf<T> & { type: T }): Promise<ServiceReplies[T]>;
  /** Stops its services (messages in hand finish) and waits for it to exit. */
  stop(): Promise<void>;
  /** Ends it at once, on the way out of a failed run. */
  kill(): void;
}

/** What the platform process does with what a service process tells. */
export interface ServiceProcessListeners {
  onEvent(event: ServiceEvent): void;
  onLog(line: string): void;
}

/** How a service process runs. */
export interface ServiceProcessLaunch {
  /** Node flags, e.g. the heap limit. */
  readonly nodeFlags: readonly string[];
  /** The bundled service process (service-bundle.ts), run with plain node; null runs the TypeScript under tsx. */
  readonly bundle: string | null;
}

/**
 * Forks a service process (the bundled file with node, as deployed, or `service-process-entry.ts` under tsx) with
 * the request in its environment and an IPC channel (advanced serialisation, so events keep their shapes) for
 * commands, events and log lines. It is ready once its services run and it runs under tsx exactly when asked to.
 */
export function forkServiceProcess(
  request: ServiceProcessRequest,
  listeners: ServiceProcessListeners,
  launch: ServiceProcessLaunch,
): ServiceProcess {
  const name = request.services.join(',');
  const child: ChildProcess = fork(launch.bundle ?? tsEntry, [], {
    // Given, execArgv replaces this process' own flags (tsx's loader among them).
    execArgv: launch.bundle ? [...launch.nodeFlags] : ['--import', tsxLoader(), ...launch.nodeFlags],
    env: { ...process.env, [serviceRequestVariable]: JSON.stringify(request) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let failure: BenchError | undefined;
  let exited = false;
  let stopping = false;
  let readyResolve: () => void = () => {};
  let readyReject: (error: Error) => void = () => {};
  const readiness = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  readiness.catch(() => {});
  const fail = (message: string) => {
    failure ??= new BenchError(BenchErrorCode.platformProcessFailed, `service process ${name}: ${message}`);
    readyReject(failure);
    for (const waiter of waiting.values()) waiter.reject(failure);
    waiting.clear();
  };
  child.on('error', (error) => fail(error.message));
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping) fail(`exited early (${signal ?? `code ${code}`})`);
      resolve();
    }),
  );
  child.on('message', (report: ServiceReport) => {
    switch (report.type) {
      case 'ready':
        if (report.tsx === (launch.bundle === null)) readyResolve();
        else fail(launch.bundle ? 'runs under tsx, though bundled' : 'runs without tsx, though asked to');
        return;
      case 'reply':
      case 'replyFailed': {
        const waiter = waiting.get(report.id);
        waiting.delete(report.id);
        if (report.type === 'reply') waiter?.resolve(report.value);
        else
          waiter?.reject(new BenchError(BenchErrorCode.platformProcessFailed, `${name}: ${report.message}`));
        return;
      }
      case 'event':
        listeners.onEvent(report.event);
        return;
      case 'log':
        listeners.onLog(report.line);
        return;
      case 'failed':
        fail(report.message);
        return;
    }
  });

  return {
    name,
    pid: child.pid,
    ready: () => readiness,
    call: (command) => {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve: (value) => resolve(value as never), reject });
        child.send({ ...command, id } as ServiceCommand);
      });
    },
    stop: async () => {
      if (exited) return;
      stopping = true;
      if (child.connected) child.send({ id: nextId++, type: 'stop' } satisfies ServiceCommand);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
    kill: () => {
      stopping = true;
      if (!exited) child.kill('SIGKILL');
    },
  };
}

const tsEntry = fileURLToPath(new URL('./service-process-entry.ts', import.meta.url));

function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}
