import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempFolder } from '@totes/local-stack';
import { loadConfig } from '@totes/runtime';
import { type BenchPostgres, databaseSize, dropDatabase, startBenchPostgres } from './bench-postgres';
import { measureCopyFloor } from './copy-floor';
import { measureDashboard } from './dashboard-phase';
import { measureEltPeer } from './elt-peer';
import { peaksOf, profiledLoad, type RunContext, tsxLoad } from './extra-loads';
import { measureIncrementalLatency } from './incremental-latency';
import { lakeZoneSizes } from './lake-size';
import { describeMachine, gitState, loadAverage } from './machine';
import { type BenchOptions, describeServiceHeap, Fleet } from './options';
import { forkPlatformProcess } from './platform-process-client';
import { type BenchReport, BenchReportSchema, type BenchRun } from './report-schema';
import { bundleServiceProcess } from './service-bundle';
import { timedFleet } from './service-fleet';
import { seedSource, sourceSizeOnDisk } from './source-database';
import { evaluateTargets, summariseRuns } from './summarise-runs';

/** Where the benchmark runs and what it tells as it goes. */
export interface BenchContext {
  /** The repository root: for the git commit, and to name profiled files relative to it. */
  readonly repoRoot: string;
  /** The command line, as the report records it. */
  readonly command: string;
  /** Progress lines, for a person watching. */
  readonly log: (line: string) => void;
  /** Where to keep the raw CPU profile (a .cpuprofile file DevTools opens); null keeps none. */
  readonly profileDir?: string | null;
  /** Stops the benchmark early (Ctrl-C): the platform process is ended, and the server and folders removed. */
  readonly signal?: AbortSignal;
}

const changeTimeoutMs = 60_000;

/**
 * The benchmark: the service process bundled as the Lambdas are (unless every service runs under tsx), a fresh
 * embedded PostgreSQL in a temporary folder, totesys seeded at the scale (timed), then for each run the COPY floor,
 * the ELT peer (staging COPY, then the warehouse rebuilt in SQL), the platform's full load into a fresh warehouse
 * and lake (in a process of its own), and the incremental phase; then, if asked, one more full load with the
 * services under tsx (for their memory) and one under the CPU profiler. Everything it made is removed at the end.
 * The report is validated against {@link BenchReportSchema} before it is returned.
 */
export async function runBench(options: BenchOptions, context: BenchContext): Promise<BenchReport> {
  const startedAt = new Date();
  const atStart = loadAverage();
  const { log } = context;
  // Passable by every account (a folder made here), so that, as root, the postgres user keeps its data in it.
  const root = await makeTempFolder('totes-bench-');
  let postgres: BenchPostgres | undefined;
  try {
    const bundle =
      options.fleet === Fleet.tsx ? null : await bundleServiceProcess(join(root, 'service-bundle'));
    if (bundle) {
      log(
        `bundled the service process with esbuild as the Lambdas are: ${(bundle.bytes / 2 ** 20).toFixed(1)} MiB ` +
          `in ${Math.round(bundle.buildMs)} ms (external: ${bundle.external.join(', ')})`,
      );
    }
    postgres = await startBenchPostgres(root);
    log(
      `PostgreSQL ${postgres.description.version} (fast mode) in ${root}; seeding totesys at scale ${options.scale}`,
    );
    const source = await seedSource(postgres, options);
    const size = await sourceSizeOnDisk(source.url);
    log(
      `seeded ${source.totalRows} rows in ${(source.seedMs / 1000).toFixed(1)} s; ${size.bytes} bytes on disk`,
    );

    const runs: BenchRun[] = [];
    for (let run = 1; run <= options.runs; run++) {
      context.signal?.throwIfAborted();
      runs.push(await measureRun(run, { options, context, postgres, source, root, bundle }));
    }
    context.signal?.throwIfAborted();
    const tsxFullLoad =
      options.fleet === Fleet.both
        ? await tsxLoad({ options, context, postgres, source, root, bundle })
        : null;
    context.signal?.throwIfAborted();
    const profile = options.profile
      ? await profiledLoad({ options, context, postgres, source, root, bundle })
      : null;

    const summary = summariseRuns(runs, { fleet: options.fleet, tsxFullLoad });
    const git = await gitState(context.repoRoot);
    const config = loadConfig({}, { sourceUrl: source.url, warehouseUrl: source.url, lakeUrl: root });
    const finishedAt = new Date();
    return BenchReportSchema.parse({
      schemaVersion: 1,
      command: context.command,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      options: {
        scale: options.scale,
        runs: options.runs,
        changes: options.changes,
        intervalMs: options.intervalMs,
        seed: options.seed,
        profile: options.profile,
        serviceHeapMb: options.serviceHeapMb,
        fleet: options.fleet,
        loadParallelism: options.loadParallelism,
        dashboard: options.dashboard,
        dashboardRequests: options.dashboardRequests,
        dashboardChanges: options.dashboardChanges,
      },
      machine: describeMachine(),
      loadAverage: { atStart, atEnd: loadAverage() },
      git,
      postgres: postgres.description,
      platform: {
        process: describeProcesses(options),
        lateCommitMarginMs: config.lateCommitMarginMs,
        serviceBundle: bundle && { bytes: bundle.bytes, buildMs: bundle.buildMs, external: bundle.external },
      },
      source: {
        seedMs: source.seedMs,
        rows: source.rows,
        totalRows: source.totalRows,
        bytesOnDisk: size.bytes,
        bytesPerTable: size.perTable,
      },
      runs,
      summary,
      targets: evaluateTargets(summary, runs, options),
      tsxFullLoad,
      profile,
    } satisfies BenchReport);
  } finally {
    await postgres?.server.stop().catch(() => {});
    if (postgres) await rm(postgres.dataDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
}

/** How the services ran, for the report. */
function describeProcesses(options: BenchOptions): string {
  const runtime =
    options.fleet === Fleet.tsx
      ? 'under tsx'
      : 'bundled with esbuild as its Lambda is, run by plain node' +
        (options.fleet === Fleet.both ? ' (and one more, untimed full load under tsx, for its memory)' : '');
  return (
    `each service in a Node process of its own (startPlatform with one service, as totes serve runs it), ${runtime}` +
    describeServiceHeap(options.serviceHeapMb) +
    '; fauxqs in a process of its own; the profiled load runs all five services in one process, under tsx'
  );
}

async function measureRun(
  run: number,
  { options, context, postgres, source, root, bundle }: RunContext,
): Promise<BenchRun> {
  const { log } = context;
  const loadAverageAtStart = loadAverage();
  const floorDatabase = `floor_${run}`;
  await postgres.server.ensureDatabase(floorDatabase);
  const floor = await measureCopyFloor(source.url, postgres.server.url(floorDatabase));
  await dropDatabase(postgres, floorDatabase);
  log(`run ${run}: COPY floor ${(floor.ms / 1000).toFixed(2)} s (${Math.round(floor.rowsPerSecond)} rows/s)`);

  // The ELT peer, on the same server and data: its own database, dropped before the platform's load starts.
  const peerDatabase = `peer_${run}`;
  await postgres.server.ensureDatabase(peerDatabase);
  const peer = await measureEltPeer(source.url, postgres.server.url(peerDatabase));
  await dropDatabase(postgres, peerDatabase);
  log(
    `run ${run}: ELT peer ${(peer.ms / 1000).toFixed(2)} s (COPY into staging ${(peer.copyMs / 1000).toFixed(2)} s, ` +
      `rebuild in SQL ${(peer.buildMs / 1000).toFixed(2)} s)`,
  );

  const warehouseDatabase = `warehouse_${run}`;
  await postgres.server.ensureDatabase(warehouseDatabase);
  const warehouseUrl = postgres.server.url(warehouseDatabase);
  const lakeDir = join(root, `lake-${run}`);
  const platform = forkPlatformProcess({
    sourceUrl: source.url,
    warehouseUrl,
    lakeDir,
    inboxDir: `${lakeDir}-inbox`,
    postgresDataDir: postgres.dataDir,
    repoRoot: context.repoRoot,
    profilePath: null,
    detectIntervalMs: options.changes > 0 || options.dashboard ? options.intervalMs : null,
    timeoutMs: options.timeoutMs,
    ...timedFleet(options, bundle),
    signal: context.signal,
  });
  try {
    const fullLoad = await platform.fullLoad();
    const lake = await lakeZoneSizes(lakeDir);
    const warehouseBytes = await databaseSize(postgres, warehouseDatabase);
    log(
      `run ${run}: full load ${(fullLoad.wallMs / 1000).toFixed(2)} s (${Math.round(fullLoad.rowsPerSecond)} rows/s, ` +
        `${(fullLoad.wallMs / floor.ms).toFixed(1)}× the floor, ${(fullLoad.wallMs / peer.ms).toFixed(1)}× the peer), peak RSS ` +
        `${bundle ? 'bundled' : 'under tsx'} ${peaksOf(fullLoad)}`,
    );
    let incremental: BenchRun['incremental'] = null;
    let dashboard: BenchRun['dashboard'] = null;
    let dashboardError: string | undefined;
    if (options.changes > 0 || options.dashboard) {
      const { awsEndpoint } = await platform.detecting();
      const timed =
        options.changes > 0
          ? await timeIncremental(run, { options, context, source, warehouseUrl, lakeDir })
          : null;
      if (options.dashboard) {
        log(
          `run ${run}: dashboard: ${options.dashboardRequests} requests per page and query, cold and warm; ` +
            `${options.dashboardChanges} commits to an open page`,
        );
        // A failure of the last phase costs its measures only, not the run's others.
        try {
          dashboard = await measureDashboard({
            sourceUrl: source.url,
            warehouseUrl,
            lakeDir,
            awsEndpoint,
            requests: options.dashboardRequests,
            changes: options.dashboardChanges,
            intervalMs: options.intervalMs,
            seed: options.seed + run,
            changeTimeoutMs: Math.min(changeTimeoutMs, options.timeoutMs),
          });
          log(`run ${run}: dashboard ${describeDashboard(dashboard)}`);
        } catch (error) {
          dashboardError = error instanceof Error ? error.message : String(error);
          log(`run ${run}: dashboard phase failed: ${dashboardError}`);
        }
      }
      const stopped = await platform.stop();
      incremental = timed && {
        ...timed,
        memory: stopped.memory,
        processes: stopped.processes,
        detectCycle: stopped.detectCycle,
      };
    } else {
      await platform.stop();
    }
    return {
      run,
      loadAverageAtStart,
      floor,
      fullLoad,
      ratioToFloor: fullLoad.wallMs / floor.ms,
      peer,
      ratioToPeer: fullLoad.wallMs / peer.ms,
      incremental,
      dashboard,
      ...(dashboardError === undefined ? {} : { dashboardError }),
      lake,
      warehouseBytes,
    };
  } finally {
    platform.kill();
    await dropDatabase(postgres, warehouseDatabase);
    await rm(lakeDir, { recursive: true, force: true });
  }
}

/** The incremental phase's timed changes (the platform detecting on its interval), logged. */
async function timeIncremental(
  run: number,
  {
    options,
    context,
    source,
    warehouseUrl,
    lakeDir,
  }: Pick<RunContext, 'options' | 'context' | 'source'> & { warehouseUrl: string; lakeDir: string },
) {
  context.log(
    `run ${run}: timing ${options.changes} single-row changes at a ${options.intervalMs} ms interval`,
  );
  const timed = await measureIncrementalLatency({
    sourceUrl: source.url,
    warehouseUrl,
    warehouseSchema: loadConfig({}, { sourceUrl: source.url, warehouseUrl, lakeUrl: lakeDir })
      .warehouseSchema,
    changes: options.changes,
    intervalMs: options.intervalMs,
    seed: options.seed + run,
    changeTimeoutMs: Math.min(changeTimeoutMs, options.timeoutMs),
    signal: context.signal,
  });
  context.log(
    `run ${run}: incremental p50 ${ms(timed.p50Ms)}, p95 ${ms(timed.p95Ms)}, max ${ms(timed.maxMs)}` +
      (timed.notVisible > 0 ? `, ${timed.notVisible} not visible` : ''),
  );
  return timed;
}

/** The dashboard phase in one line: the slowest page p95 cold and warm, and commit to screen. */
function describeDashboard(dashboard: NonNullable<BenchRun['dashboard']>): string {
  const worst = (side: 'cold' | 'warm') => Math.max(...dashboard.pages.map((page) => page[side].p95Ms ?? 0));
  const screen = dashboard.commitToScreen;
  return (
    `page p95 cold ≤ ${ms(worst('cold'))}, warm ≤ ${ms(worst('warm'))}; ` +
    (screen ? `commit to screen p50 ${ms(screen.p50Ms)}, p95 ${ms(screen.p95Ms)}` : dashboard.note)
  );
}

function ms(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} ms`;
}
