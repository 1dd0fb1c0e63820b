import type { Platform } from '@totes/cli';
import { ServiceName } from '@totes/model';
import type { ProfileSummary } from './cpu-profile';
import { BenchError, BenchErrorCode } from './errors';
import { type MemoryPeaks, startMemorySampler } from './memory-sampler';
import type { PlatformProcessRequest, ServiceProcessRequest, ServiceUsage } from './process-protocol';
import {
  forkServiceProcess,
  type ServiceProcess,
  type ServiceProcessLaunch,
  type ServiceProcessListeners,
} from './service-process-client';

/** How the services are spread over processes. */
export const ServiceLayout = {
  /** Each service in a process of its own, as on AWS: each process' memory is one service's. */
  perService: 'per-service',
  /** All five in one process: one CPU profile covers all the work. */
  oneProcess: 'one-process',
} as const;
/** One of the {@link ServiceLayout} values. */
export type ServiceLayout = (typeof ServiceLayout)[keyof typeof ServiceLayout];

/**
 * The service processes of a timed run, full load or inbox drop: one per service, as on AWS, bundled as their
 * Lambdas are unless there is no bundle (`--fleet tsx`), with the deployed heap and the run's load parallelism.
 */
export function timedFleet(
  options: { readonly serviceHeapMb: number | null; readonly loadParallelism: number },
  bundle: { readonly entryPath: string } | null,
): Pick<PlatformProcessRequest, 'layout' | 'serviceHeapMb' | 'serviceBundle' | 'loadParallelism'> {
  return {
    layout: ServiceLayout.perService,
    serviceHeapMb: options.serviceHeapMb,
    serviceBundle: bundle?.entryPath ?? null,
    loadParallelism: options.loadParallelism,
  };
}

/** What one process used over a measured stretch. */
export interface ProcessUsage {
  /** The services it ran, joined by commas; `local-stack` for the platform process (fauxqs, the observers). */
  readonly name: string;
  readonly memory: MemoryPeaks;
  /** Its resident set when the stretch started. */
  readonly idleRssBytes: number;
  /** User + system CPU time over the stretch. */
  readonly cpuMs: number;
}

/** Measures the service processes (and this one) over a stretch, such as a full load. */
export interface LoadMeter {
  /** Starts the stretch: memory peaks start over, CPU is counted from now, and, if asked, profiling starts. */
  start(options: { profile: boolean }): Promise<void>;
  /** Ends it: each process' usage (the service processes first) and the profile, if one was taken. */
  stop(options: { rawProfilePath: string | null; repoRoot: string }): Promise<{
    processes: readonly ProcessUsage[];
    profile: ProfileSummary | null;
  }>;
}

/** The service processes, seen as one platform. */
export interface ServiceFleet {
  /** Detection goes to the change-detector's process; queue depths are read here. */
  readonly platform: Platform;
  readonly meter: LoadMeter;
  readonly pids: readonly (number | undefined)[];
  /** Stops every service process (detection first), letting messages in hand finish. */
  stop(): Promise<void>;
  kill(): void;
}

/** The name of this (the platform) process in {@link ProcessUsage}. */
export const localStackProcessName = 'local-stack';

/**
 * Forks the service processes for the layout and waits until they all run. `control` is a platform running no
 * service in this process (it migrated and provisioned): it reads the queue depths. Detection is sent to the
 * process that runs the change-detector.
 */
export async function startServiceFleet(options: {
  layout: ServiceLayout;
  /** Table-extractor processes, all polling its queue, in the layout of one process per service. */
  extractors?: number;
  /** How each service process runs: its node flags (e.g. its heap limit), bundled or under tsx. */
  launch: ServiceProcessLaunch;
  control: Platform;
  request: Omit<ServiceProcessRequest, 'services'>;
  listeners: ServiceProcessListeners;
}): Promise<ServiceFleet> {
  const groups: ServiceName[][] =
    options.layout === ServiceLayout.perService
      ? [
          ...Object.values(ServiceName).map((service) => [service]),
          ...Array.from({ length: (options.extractors ?? 1) - 1 }, () => [ServiceName.tableExtractor]),
        ]
      : [Object.values(ServiceName)];
  const processes = groups.map((services) =>
    forkServiceProcess({ ...options.request, services }, options.listeners, options.launch),
  );
  const kill = () => {
    for (const child of processes) child.kill();
  };
  try {
    await Promise.all(processes.map((child) => child.ready()));
  } catch (error) {
    kill();
    throw error;
  }
  const detector = processes[groups.findIndex((services) => services.includes(ServiceName.changeDetector))];
  if (!detector) {
    kill();
    throw new BenchError(BenchErrorCode.platformProcessFailed, 'no service process runs the change-detector');
  }
  const platform: Platform = {
    ...options.control,
    detectOnce: () => detector.call({ type: 'detectOnce' }),
    startDetector: (intervalMs) => {
      const started = detector.call({ type: 'startDetector', intervalMs });
      return {
        stop: async () => {
          await started;
          await detector.call({ type: 'stopDetector' });
        },
      };
    },
  };
  return {
    platform,
    meter: createMeter(processes),
    pids: processes.map((child) => child.pid),
    stop: async () => {
      await detector.call({ type: 'stopDetector' }).catch(() => {});
      await Promise.all(processes.map((child) => child.stop()));
    },
    kill,
  };
}

function createMeter(processes: readonly ServiceProcess[]): LoadMeter {
  let own = startMemorySampler(100);
  let before: { own: ServiceUsage; children: ServiceUsage[] } | undefined;
  let profiled: ServiceProcess | undefined;
  const ownUsage = (): ServiceUsage => {
    const cpu = process.cpuUsage();
    return {
      memory: own.peaks(),
      rssBytes: process.memoryUsage.rss(),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  };
  return {
    start: async ({ profile }) => {
      const children = await Promise.all(
        processes.map((child) => child.call({ type: 'usage', reset: true })),
      );
      own.stop();
      own = startMemorySampler(100);
      before = { own: ownUsage(), children };
      // Profiling one process only: in a layout of one process per service, the busiest is not known beforehand.
      profiled = profile && processes.length === 1 ? processes[0] : undefined;
      await profiled?.call({ type: 'startProfile' });
    },
    stop: async ({ rawProfilePath, repoRoot }) => {
      const profile = profiled
        ? await profiled.call({ type: 'stopProfile', rawProfilePath, repoRoot })
        : null;
      profiled = undefined;
      const children = await Promise.all(
        processes.map((child) => child.call({ type: 'usage', reset: false })),
      );
      const usageOf = (name: string, start: ServiceUsage | undefined, end: ServiceUsage): ProcessUsage => ({
        name,
        memory: end.memory,
        idleRssBytes: start?.rssBytes ?? end.memory.startRssBytes,
        cpuMs: end.cpuMs - (start?.cpuMs ?? 0),
      });
      return {
        processes: [
          ...processes.map((child, i) =>
            usageOf(child.name, before?.children[i], children[i] as ServiceUsage),
          ),
          usageOf(localStackProcessName, before?.own, ownUsage()),
        ],
        profile,
      };
    },
  };
}
