import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { makeTempFolder } from '@totes/local-stack';
import { createPool, loadConfig } from '@totes/runtime';
import { type BenchPostgres, startBenchPostgres } from './bench-postgres';
import { measureCopyFloor } from './copy-floor';
import { measureEltPeer } from './elt-peer';
import { measureIncrementalLatency } from './incremental-latency';
import { lakeZoneSizes } from './lake-size';
import { describeMachine, gitState, loadAverage } from './machine';
import type { BenchOptions } from './options';
import { forkPlatformProcess } from './platform-process-client';
import { type BenchReport, BenchReportSchema, type BenchRun } from './report-schema';
import { ServiceLayout } from './service-fleet';
import { type SeededSource, seedSource, sourceSizeOnDisk } from './source-database';
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
 * The benchmark: a fresh embedded PostgreSQL in a temporary folder, totesys seeded at the scale (timed), then for
 * each run the COPY floor, the ELT peer (staging COPY, then the warehouse rebuilt in SQL), the platform's full load into a fresh warehouse and lake (in a process of its own), and
 * the incremental phase; then, if asked, one more full load under the CPU profiler. Everything it made is removed
 * at the end. The report is validated against {@link BenchReportSchema} before it is returned.
 */
export async function runBench(options: BenchOptions, context: BenchContext): Promise<BenchReport> {
  const startedAt = new Date();
  const atStart = loadAverage();
  const { log } = context;
  // Passable by every account (a folder made here), so that, as root, the postgres user keeps its data in it.
  const root = await makeTempFolder('totes-bench-');
  let postgres: BenchPostgres | undefined;
  try {
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
      runs.push(await measureRun(run, { options, context, postgres, source, root }));
    }
    context.signal?.throwIfAborted();
    const profile = options.profile ? await profiledLoad({ options, context, postgres, source, root }) : null;

    const summary = summariseRuns(runs);
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
      },
      machine: describeMachine(),
      loadAverage: { atStart, atEnd: loadAverage() },
      git,
      postgres: postgres.description,
      platform: {
        process:
          'each service in a Node process of its own (startPlatform with one service, as totes serve runs it)' +
          (options.serviceHeapMb === null ? '' : `, with --max-old-space-size=${options.serviceHeapMb}`) +
          '; fauxqs in a process of its own; the profiled load runs all five services in one process',
        lateCommitMarginMs: config.lateCommitMarginMs,
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
      profile,
    } satisfies BenchReport);
  } finally {
    await postgres?.server.stop().catch(() => {});
    if (postgres) await rm(postgres.dataDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
}

interface RunContext {
  readonly options: BenchOptions;
  readonly context: BenchContext;
  readonly postgres: BenchPostgres;
  readonly source: SeededSource;
  readonly root: string;
}

async function measureRun(
  run: number,
  { options, context, postgres, source, root }: RunContext,
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
    postgresDataDir: postgres.dataDir,
    repoRoot: context.repoRoot,
    profilePath: null,
    detectIntervalMs: options.changes > 0 ? options.intervalMs : null,
    timeoutMs: options.timeoutMs,
    layout: ServiceLayout.perService,
    serviceHeapMb: options.serviceHeapMb,
    signal: context.signal,
  });
  try {
    const fullLoad = await platform.fullLoad();
    const lake = await lakeZoneSizes(lakeDir);
    const warehouseBytes = await databaseSize(postgres, warehouseDatabase);
    log(
      `run ${run}: full load ${(fullLoad.wallMs / 1000).toFixed(2)} s (${Math.round(fullLoad.rowsPerSecond)} rows/s, ` +
        `${(fullLoad.wallMs / floor.ms).toFixed(1)}× the floor, ${(fullLoad.wallMs / peer.ms).toFixed(1)}× the peer), peak RSS ` +
        fullLoad.processes
          .map((entry) => `${entry.name} ${(entry.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB`)
          .join(', '),
    );
    let incremental: BenchRun['incremental'] = null;
    if (options.changes > 0) {
      await platform.detecting();
      log(`run ${run}: timing ${options.changes} single-row changes at a ${options.intervalMs} ms interval`);
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
      const stopped = await platform.stop();
      incremental = {
        ...timed,
        memory: stopped.memory,
        processes: stopped.processes,
        detectCycle: stopped.detectCycle,
      };
      log(
        `run ${run}: incremental p50 ${ms(timed.p50Ms)}, p95 ${ms(timed.p95Ms)}, max ${ms(timed.maxMs)}` +
          (timed.notVisible > 0 ? `, ${timed.notVisible} not visible` : ''),
      );
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
      lake,
      warehouseBytes,
    };
  } finally {
    platform.kill();
    await dropDatabase(postgres, warehouseDatabase);
    await rm(lakeDir, { recursive: true, force: true });
  }
}

/** One more full load, under the CPU profiler: not timed with the runs, as the profiler costs time itself. */
async function profiledLoad({
  options,
  context,
  postgres,
  source,
  root,
}: RunContext): Promise<BenchReport['profile']> {
  const warehouseDatabase = 'warehouse_profiled';
  await postgres.server.ensureDatabase(warehouseDatabase);
  const lakeDir = join(root, 'lake-profiled');
  const profileDir = context.profileDir ?? null;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const rawProfilePath = profileDir
    ? join(
        profileDir,
        `full-load-scale-${options.scale}-${new Date().toISOString().replaceAll(':', '')}.cpuprofile`,
      )
    : join(root, 'full-load.cpuprofile');
  context.log('profiling one more full load (untimed)');
  const platform = forkPlatformProcess({
    sourceUrl: source.url,
    warehouseUrl: postgres.server.url(warehouseDatabase),
    lakeDir,
    postgresDataDir: postgres.dataDir,
    repoRoot: context.repoRoot,
    profilePath: rawProfilePath,
    detectIntervalMs: null,
    timeoutMs: options.timeoutMs,
    layout: ServiceLayout.oneProcess,
    serviceHeapMb: null,
    signal: context.signal,
  });
  try {
    const fullLoad = await platform.fullLoad();
    await platform.stop();
    if (!fullLoad.profile) return null;
    return {
      wallMs: fullLoad.wallMs,
      rawProfilePath: profileDir ? relative(context.repoRoot, rawProfilePath) : null,
      summary: fullLoad.profile,
    };
  } finally {
    platform.kill();
    await dropDatabase(postgres, warehouseDatabase);
    await rm(lakeDir, { recursive: true, force: true });
  }
}

async function databaseSize(postgres: BenchPostgres, database: string): Promise<number> {
  const pool = createPool(postgres.server.url('postgres'), { max: 1, applicationName: 'totes-bench' });
  try {
    const size = await pool.query<{ bytes: string }>('SELECT pg_database_size($1) AS bytes', [database]);
    return Number(size.rows[0]?.bytes ?? 0);
  } finally {
    await pool.end();
  }
}

async function dropDatabase(postgres: BenchPostgres, database: string): Promise<void> {
  const pool = createPool(postgres.server.url('postgres'), { max: 1, applicationName: 'totes-bench' });
  try {
    await pool.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await pool.end();
  }
}

function ms(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} ms`;
}
