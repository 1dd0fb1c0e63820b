import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type BenchPostgres, dropDatabase } from './bench-postgres';
import type { FullLoadResult } from './full-load';
import type { BenchOptions } from './options';
import { forkPlatformProcess } from './platform-process-client';
import type { BenchReport } from './report-schema';
import type { BenchContext } from './run-bench';
import type { ServiceBundle } from './service-bundle';
import { localStackProcessName, ServiceLayout } from './service-fleet';
import type { SeededSource } from './source-database';

/** What each run, and each full load outside the runs, works with. */
export interface RunContext {
  readonly options: BenchOptions;
  readonly context: BenchContext;
  readonly postgres: BenchPostgres;
  readonly source: SeededSource;
  readonly root: string;
  /** The bundled service process the timed runs fork; null runs them under tsx. */
  readonly bundle: ServiceBundle | null;
}

/** One more full load with the services under tsx, untimed: their memory, beside the bundled services' of the runs. */
export async function tsxLoad(run: RunContext): Promise<NonNullable<BenchReport['tsxFullLoad']>> {
  run.context.log('one more full load with the services under tsx, for their memory (untimed)');
  const fullLoad = await untimedLoad(run, 'tsx', {
    layout: ServiceLayout.perService,
    serviceHeapMb: run.options.serviceHeapMb,
    profilePath: null,
  });
  run.context.log(`under tsx: peak RSS ${peaksOf(fullLoad)}`);
  return { wallMs: fullLoad.wallMs, processes: fullLoad.processes };
}

/**
 * One more full load, under the CPU profiler: not timed with the runs, as the profiler costs time itself. Under tsx,
 * whose source maps name the workspace's functions and lines.
 */
export async function profiledLoad(run: RunContext): Promise<BenchReport['profile']> {
  const { options, context, root } = run;
  const profileDir = context.profileDir ?? null;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const rawProfilePath = profileDir
    ? join(
        profileDir,
        `full-load-scale-${options.scale}-${new Date().toISOString().replaceAll(':', '')}.cpuprofile`,
      )
    : join(root, 'full-load.cpuprofile');
  context.log('profiling one more full load (untimed)');
  const fullLoad = await untimedLoad(run, 'profiled', {
    layout: ServiceLayout.oneProcess,
    serviceHeapMb: null,
    profilePath: rawProfilePath,
  });
  if (!fullLoad.profile) return null;
  return {
    wallMs: fullLoad.wallMs,
    rawProfilePath: profileDir ? relative(context.repoRoot, rawProfilePath) : null,
    summary: fullLoad.profile,
  };
}

/** A full load outside the runs, into a warehouse and lake of its own, with the services under tsx. */
async function untimedLoad(
  { options, context, postgres, source, root }: RunContext,
  name: string,
  how: { layout: ServiceLayout; serviceHeapMb: number | null; profilePath: string | null },
): Promise<FullLoadResult> {
  const warehouseDatabase = `warehouse_${name}`;
  await postgres.server.ensureDatabase(warehouseDatabase);
  const lakeDir = join(root, `lake-${name}`);
  const platform = forkPlatformProcess({
    sourceUrl: source.url,
    warehouseUrl: postgres.server.url(warehouseDatabase),
    lakeDir,
    inboxDir: `${lakeDir}-inbox`,
    postgresDataDir: postgres.dataDir,
    repoRoot: context.repoRoot,
    detectIntervalMs: null,
    timeoutMs: options.timeoutMs,
    serviceBundle: null,
    loadParallelism: options.loadParallelism,
    signal: context.signal,
    ...how,
  });
  try {
    const fullLoad = await platform.fullLoad();
    await platform.stop();
    return fullLoad;
  } finally {
    platform.kill();
    await dropDatabase(postgres, warehouseDatabase);
    await rm(lakeDir, { recursive: true, force: true });
  }
}

/** Each service process' peak RSS over a full load, for the log. */
export function peaksOf(fullLoad: FullLoadResult): string {
  return fullLoad.processes
    .filter((entry) => entry.name !== localStackProcessName)
    .map((entry) => `${entry.name} ${(entry.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB`)
    .join(', ');
}
