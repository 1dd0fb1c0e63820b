import type { Platform, RunTracker } from '@totes/cli';
import type { ModelLoaded, RunCompleted, TableExtracted } from '@totes/contracts';
import type { ProfileSummary } from './cpu-profile';
import { BenchError, BenchErrorCode } from './errors';
import type { MemoryPeaks } from './memory-sampler';
import { postgresCpuMs } from './postgres-cpu';
import { type LoadMeter, localStackProcessName, type ProcessUsage } from './service-fleet';
import { type LogRecorder, type Stage, type StageTiming, stageTimings } from './stage-timings';

/** One full initial load, from the first detection to the run's completion. */
export interface FullLoadResult {
  readonly runId: string;
  /** From the start of the first detection to the `run.completed` event. */
  readonly wallMs: number;
  readonly rowsExtracted: number;
  readonly rowsLoaded: number;
  /** Rows extracted per second of {@link FullLoadResult.wallMs}. */
  readonly rowsPerSecond: number;
  readonly tables: number;
  readonly models: number;
  readonly loads: number;
  /** Messages put back to wait, e.g. fact loads waiting for their dimension rows. */
  readonly deferrals: number;
  /** Why they waited (the first few). */
  readonly deferralReasons: readonly string[];
  /** Messages that failed once and were retried by the queue. */
  readonly retries: number;
  readonly stages: Readonly<Record<Stage, StageTiming>>;
  readonly extractPerTable: readonly { table: string; rows: number; ms: number }[];
  readonly buildPerModel: readonly { model: string; messages: number; ms: number }[];
  readonly loadPerModel: readonly { model: string; rows: number; ms: number }[];
  /** CPU time during the load: the service processes together, and the Postgres server (source and warehouse). */
  readonly cpu: { readonly platformMs: number; readonly postgresMs: number | null };
  /** The service process whose resident set peaked highest (with one process per service: one service's). */
  readonly memory: MemoryPeaks;
  /** The resident set of that process after the platform started, before the load. */
  readonly idleRssBytes: number;
  /** Every process over the load: each service process, then the local stack (fauxqs and the observers). */
  readonly processes: readonly ProcessUsage[];
  readonly profile: ProfileSummary | null;
}

/** Waits for `run.completed` events by runId. */
export interface RunCompletions {
  readonly onRunCompleted: (run: RunCompleted) => void;
  next(runId: string): Promise<RunCompleted>;
}

/** A {@link RunCompletions} to wire into the platform's events. */
export function createRunCompletions(): RunCompletions {
  const done = new Map<string, RunCompleted>();
  const waiting = new Map<string, (run: RunCompleted) => void>();
  return {
    onRunCompleted: (run) => {
      done.set(run.runId, run);
      waiting.get(run.runId)?.(run);
    },
    next: (runId) =>
      new Promise((resolve) => {
        const run = done.get(runId);
        if (run) resolve(run);
        else waiting.set(runId, resolve);
      }),
  };
}

/** What {@link measureFullLoad} watches. */
export interface FullLoadProbes {
  readonly platform: Platform;
  readonly tracker: RunTracker;
  readonly completions: RunCompletions;
  readonly recorder: LogRecorder;
  /** Every extraction event, in order. */
  readonly extracted: readonly TableExtracted[];
  /** Every load event, in order. */
  readonly loaded: readonly ModelLoaded[];
  readonly postgresDataDir: string;
  readonly repoRoot: string;
  /** Memory, CPU and the profile of the service processes. */
  readonly meter: LoadMeter;
}

/**
 * Runs one detection cycle on an empty warehouse and waits for the run it started to complete, sampling each
 * process' memory every 100 ms, and, when asked, profiling (the platform when it runs in one process). Fails when a
 * message is dead-lettered or the time runs out.
 */
export async function measureFullLoad(
  probes: FullLoadProbes,
  options: { timeoutMs: number; profile: boolean; rawProfilePath: string | null },
): Promise<FullLoadResult> {
  const { platform, recorder, meter } = probes;
  await meter.start({ profile: options.profile });
  const postgresBefore = await postgresCpuMs(probes.postgresDataDir);
  const startedAt = Date.now();
  const started = performance.now();
  const detection = await platform.detectOnce();
  const detectMs = performance.now() - started;
  if (detection.changes.length === 0) {
    throw new BenchError(BenchErrorCode.loadFailed, 'the first detection found no changed table');
  }
  const completed = await untilCompleted(probes, detection.runId, options.timeoutMs);
  const wallMs = performance.now() - started;
  const postgresAfter = await postgresCpuMs(probes.postgresDataDir);
  const usage = await meter.stop({ rawProfilePath: options.rawProfilePath, repoRoot: probes.repoRoot });
  const services = usage.processes.filter((entry) => entry.name !== localStackProcessName);
  const highest = highestPeak(services);

  const summary = probes.tracker.summary(detection.runId, wallMs);
  const handled = recorder.handledOf(detection.runId);
  const loaded = probes.loaded.filter((event) => event.runId === detection.runId);
  const tableOf = new Map(detection.changes.map((change) => [change.id, change.table]));
  const extractedRows = new Map(
    probes.extracted
      .filter((event) => event.runId === detection.runId)
      .map((event) => [event.table, event.object.rows]),
  );
  const byModel = new Map<string, { messages: number; ms: number }>();
  for (const entry of handled.filter((candidate) => candidate.model !== undefined)) {
    const model = entry.model as string;
    const sum = byModel.get(model) ?? { messages: 0, ms: 0 };
    byModel.set(model, { messages: sum.messages + 1, ms: sum.ms + entry.durationMs });
  }
  const loadByModel = new Map<string, { rows: number; ms: number }>();
  for (const event of loaded) {
    const sum = loadByModel.get(event.model) ?? { rows: 0, ms: 0 };
    loadByModel.set(event.model, { rows: sum.rows + event.rows.written, ms: sum.ms + event.durationMs });
  }
  const result: FullLoadResult = {
    runId: detection.runId,
    wallMs,
    rowsExtracted: summary.rowsExtracted,
    rowsLoaded: summary.rowsLoaded,
    rowsPerSecond: summary.rowsExtracted / (wallMs / 1000),
    tables: completed.tables.length,
    models: completed.models.length,
    loads: summary.loads,
    deferrals: recorder.deferrals,
    deferralReasons: [...recorder.deferralReasons],
    retries: recorder.retries,
    stages: stageTimings(handled, startedAt, detectMs),
    extractPerTable: handled
      .filter((entry) => tableOf.has(entry.messageId))
      .map((entry) => {
        const table = tableOf.get(entry.messageId) as string;
        return { table, rows: extractedRows.get(table) ?? 0, ms: entry.durationMs };
      }),
    buildPerModel: [...byModel.entries()].map(([model, sum]) => ({ model, ...sum })),
    loadPerModel: [...loadByModel.entries()].map(([model, sum]) => ({ model, ...sum })),
    cpu: {
      platformMs: services.reduce((sum, entry) => sum + entry.cpuMs, 0),
      postgresMs: postgresBefore === null || postgresAfter === null ? null : postgresAfter - postgresBefore,
    },
    memory: highest.memory,
    idleRssBytes: highest.idleRssBytes,
    processes: usage.processes,
    profile: usage.profile,
  };
  return result;
}

/** The process whose resident set peaked highest. */
export function highestPeak(processes: readonly ProcessUsage[]): ProcessUsage {
  const [first, ...rest] = processes;
  if (!first) throw new BenchError(BenchErrorCode.loadFailed, 'no service process was measured');
  return rest.reduce(
    (high, entry) => (entry.memory.peakRssBytes > high.memory.peakRssBytes ? entry : high),
    first,
  );
}

/** The run's completion, watching the dead-letter queues every 2 s (cheaply: the load is being timed). */
async function untilCompleted(
  probes: FullLoadProbes,
  runId: string,
  timeoutMs: number,
): Promise<RunCompleted> {
  let timer: NodeJS.Timeout | undefined;
  let watching = true;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BenchError(
            BenchErrorCode.timedOut,
            `the full load did not complete within ${timeoutMs / 1000} s`,
          ),
        ),
      timeoutMs,
    );
    const watch = async () => {
      while (watching) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        if (!watching) return;
        const { deadLettered } = await probes.platform.queueDepths();
        if (deadLettered > 0) {
          reject(
            new BenchError(
              BenchErrorCode.loadFailed,
              `${deadLettered} message(s) were dead-lettered during the full load`,
            ),
          );
          return;
        }
      }
    };
    watch().catch(reject);
  });
  try {
    return await Promise.race([probes.completions.next(runId), watchdog]);
  } finally {
    watching = false;
    clearTimeout(timer);
  }
}
