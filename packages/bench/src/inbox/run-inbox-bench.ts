import { link, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeTempFolder } from '@totes/local-stack';
import { loadConfig, noSourceUrl } from '@totes/runtime';
import { type BenchPostgres, dropDatabase, startBenchPostgres } from '../bench-postgres';
import { describeMachine, gitState, loadAverage } from '../machine';
import {
  type BenchOptions,
  describeServiceHeap,
  Fleet,
  type InboxBenchFormat,
  type InboxBenchOptions,
} from '../options';
import { forkPlatformProcess } from '../platform-process-client';
import type { BenchContext } from '../run-bench';
import { bundleServiceProcess, type ServiceBundle } from '../service-bundle';
import { localStackProcessName, timedFleet } from '../service-fleet';
import type { ExportedFile } from './csv-export';
import type { InboxDrop, InboxDropResult } from './inbox-drop';
import {
  filesInFormat,
  measuredTables,
  prerequisiteTables,
  scaleForBytes,
  writeSmallFiles,
  writeTableFiles,
} from './inbox-files';
import { measureInboxFloor } from './inbox-floor';
import { type InboxBenchReport, InboxBenchReportSchema, type InboxSection } from './inbox-report-schema';
import { evaluateInboxTargets } from './inbox-targets';

/** Rows in each of the small files. */
const smallFileRows = 10;

interface InboxRun {
  readonly options: BenchOptions;
  readonly inbox: InboxBenchOptions;
  readonly context: BenchContext;
  readonly postgres: BenchPostgres;
  readonly root: string;
  readonly bundle: ServiceBundle | null;
}

/**
 * `pnpm bench --inbox`: generates the CSV of the measured tables (streamed to disk) at the scale that gives the
 * size asked for, times PostgreSQL's own `COPY … FROM` of it (the floor), then, for each format, drops the files
 * into the inbox of a fresh inbox-only platform (its dimensions' tables dropped and loaded first) and times them to
 * the warehouse; then the small files. The services run as the full load's do (bundled unless `--fleet tsx`).
 * Everything it made is removed at the end; the report is validated against {@link InboxBenchReportSchema}.
 */
export async function runInboxBench(options: BenchOptions, context: BenchContext): Promise<InboxBenchReport> {
  const inbox = options.inbox;
  if (!inbox) throw new Error('runInboxBench needs options.inbox');
  const startedAt = new Date();
  const atStart = loadAverage();
  const { log } = context;
  const root = await makeTempFolder('totes-bench-inbox-');
  let postgres: BenchPostgres | undefined;
  try {
    const bundle =
      options.fleet === Fleet.tsx ? null : await bundleServiceProcess(join(root, 'service-bundle'));
    postgres = await startBenchPostgres(root);
    const run: InboxRun = { options, inbox, context, postgres, root, bundle };
    const generated = performance.now();
    const scale = scaleForBytes(inbox.mb * 2 ** 20, options.seed);
    const csvFiles = await writeTableFiles(join(root, 'files', 'csv'), measuredTables, {
      scale,
      seed: options.seed,
    });
    const prerequisites = await writeTableFiles(
      join(root, 'files', 'prerequisites'),
      prerequisiteTables(measuredTables),
      {
        scale,
        seed: options.seed,
      },
    );
    const generateMs = performance.now() - generated;
    const csvBytes = csvFiles.reduce((sum, file) => sum + file.csvBytes, 0);
    log(
      `generated ${mib(csvBytes)} of CSV (${csvFiles.map((file) => `${file.table} ${file.rows} rows`).join(', ')}) ` +
        `at scale ${scale.toFixed(3)} in ${(generateMs / 1000).toFixed(1)} s`,
    );

    await postgres.server.ensureDatabase('inbox_floor');
    const floor = await measureInboxFloor(postgres.server.url('inbox_floor'), csvFiles);
    await dropDatabase(postgres, 'inbox_floor');
    log(
      `floor: COPY … FROM of the CSV ${(floor.ms / 1000).toFixed(2)} s (${floor.mbPerSecond.toFixed(1)} MiB/s)`,
    );

    const cases: InboxSection['cases'][number][] = [];
    for (const format of inbox.formats) {
      context.signal?.throwIfAborted();
      const files = await filesInFormat(join(root, 'files', format), csvFiles, format);
      const [pre, drop] = await dropIntoPlatform(run, format, [
        { name: 'prerequisites', files: prerequisites },
        { name: `${measuredTables.join(' and ')} as ${format}`, files },
      ]);
      const measured = measureCase(format, files, pre as InboxDropResult, drop as InboxDropResult, floor.ms);
      cases.push(measured);
      log(
        `${format}: ${(measured.drop.wallMs / 1000).toFixed(2)} s drop → warehouse, ${measured.mbPerSecond.toFixed(1)} MiB/s ` +
          `(${measured.csvMbPerSecond.toFixed(1)} MiB/s of CSV), ${Math.round(measured.rowsPerSecond)} rows/s, ` +
          `${measured.ratioToFloor.toFixed(1)}× the floor; peak RSS ${rssLine(measured.serviceRssMiB)}; ` +
          stagesLine(measured.drop),
      );
    }
    const smallFiles = inbox.smallFiles > 0 ? await measureSmallFiles(run) : null;

    const section: InboxSection = {
      targetMb: inbox.mb,
      scale,
      csvBytes,
      generateMs,
      floor,
      cases,
      smallFiles,
      targets: [],
    };
    const finishedAt = new Date();
    return InboxBenchReportSchema.parse({
      schemaVersion: 1,
      kind: 'inbox',
      command: context.command,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      options: {
        inboxMb: inbox.mb,
        formats: inbox.formats,
        smallFiles: inbox.smallFiles,
        extractors: inbox.extractors,
        seed: options.seed,
        serviceHeapMb: options.serviceHeapMb,
        fleet: options.fleet,
        loadParallelism: options.loadParallelism,
      },
      machine: describeMachine(),
      loadAverage: { atStart, atEnd: loadAverage() },
      git: await gitState(context.repoRoot),
      postgres: postgres.description,
      platform: {
        process:
          'an inbox-only platform (TOTES_SOURCE_URL=none) per format, each service in a Node process of its own, ' +
          (bundle ? 'bundled with esbuild as its Lambda is, run by plain node' : 'under tsx') +
          describeServiceHeap(options.serviceHeapMb) +
          '; fauxqs in a process of its own',
        lateCommitMarginMs: loadConfig(
          {},
          { sourceUrl: noSourceUrl, warehouseUrl: postgres.server.url('x'), lakeUrl: root },
        ).lateCommitMarginMs,
        serviceBundle: bundle && { bytes: bundle.bytes, buildMs: bundle.buildMs, external: bundle.external },
      },
      inbox: { ...section, targets: evaluateInboxTargets(section, Boolean(bundle)) },
    } satisfies InboxBenchReport);
  } finally {
    await postgres?.server.stop().catch(() => {});
    if (postgres) await rm(postgres.dataDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
}

/** K small files of sales orders, dropped at once into a fresh platform (its dimensions loaded first). */
async function measureSmallFiles(run: InboxRun): Promise<InboxSection['smallFiles']> {
  const { inbox, options, root, context } = run;
  const files = await writeSmallFiles(join(root, 'files', 'small'), {
    count: inbox.smallFiles,
    rowsPerFile: smallFileRows,
    seed: options.seed,
  });
  const prerequisites = await writeTableFiles(
    join(root, 'files', 'small-prerequisites'),
    prerequisiteTables(['sales_order']),
    {
      scale: 0.01,
      seed: options.seed,
    },
  );
  const [pre, drop] = (await dropIntoPlatform(run, 'small', [
    { name: 'prerequisites', files: prerequisites },
    { name: `${files.length} small files`, files },
  ])) as [InboxDropResult, InboxDropResult];
  const seconds = drop.wallMs / 1000;
  const result = {
    rowsPerFile: smallFileRows,
    prerequisites: pre,
    drop,
    filesPerSecond: drop.files / seconds,
    rowsPerSecond: drop.rowsExtracted / seconds,
    serviceRssMiB: serviceRss(drop),
  };
  context.log(
    `${drop.files} small files: ${seconds.toFixed(2)} s drop → warehouse, ${result.filesPerSecond.toFixed(1)} files/s; ` +
      `peak RSS ${rssLine(result.serviceRssMiB)}; ${stagesLine(drop)}`,
  );
  return result;
}

/**
 * A fresh warehouse, lake and inbox, and the platform process with its services, inbox-only; the files of each
 * drop are hard-linked into a staging folder beside the inbox, so a drop is a rename per file.
 */
async function dropIntoPlatform(
  run: InboxRun,
  name: string,
  drops: readonly { name: string; files: readonly ExportedFile[] }[],
): Promise<readonly InboxDropResult[]> {
  const { postgres, root, options, context, bundle } = run;
  const slug = name.replace(/[^a-z0-9]/g, '_');
  const database = `inbox_${slug}`;
  const lakeDir = join(root, `lake-${slug}`);
  const inboxDir = join(root, `inbox-${slug}`);
  const stageDir = join(root, `stage-${slug}`);
  const staged: InboxDrop[] = [];
  for (const [index, drop] of drops.entries()) {
    const dir = join(stageDir, String(index));
    await mkdir(dir, { recursive: true });
    const files = [];
    for (const file of drop.files) {
      const path = join(dir, basename(file.path));
      await link(file.path, path);
      files.push({ staged: path, key: `${file.table}/${basename(file.path)}` });
    }
    staged.push({ name: drop.name, files });
  }
  await postgres.server.ensureDatabase(database);
  const platform = forkPlatformProcess({
    sourceUrl: noSourceUrl,
    warehouseUrl: postgres.server.url(database),
    lakeDir,
    inboxDir,
    inboxDrops: staged,
    postgresDataDir: postgres.dataDir,
    repoRoot: context.repoRoot,
    profilePath: null,
    detectIntervalMs: null,
    timeoutMs: options.timeoutMs,
    ...timedFleet(options, bundle),
    extractors: options.inbox?.extractors ?? 1,
    signal: context.signal,
  });
  try {
    const results = await platform.inboxDrops();
    await platform.stop();
    return results;
  } finally {
    platform.kill();
    await dropDatabase(postgres, database);
    for (const dir of [lakeDir, inboxDir, stageDir]) await rm(dir, { recursive: true, force: true });
  }
}

function measureCase(
  format: InboxBenchFormat,
  files: readonly ExportedFile[],
  prerequisites: InboxDropResult,
  drop: InboxDropResult,
  floorMs: number,
): InboxSection['cases'][number] {
  const seconds = drop.wallMs / 1000;
  const rows = files.reduce((sum, file) => sum + file.rows, 0);
  const sum = (key: 'bytes' | 'csvBytes') => files.reduce((total, file) => total + file[key], 0);
  return {
    format,
    files: files.map(({ table, rows, bytes, csvBytes }) => ({ table, rows, bytes, csvBytes })),
    prerequisites,
    drop,
    rows,
    mbPerSecond: sum('bytes') / 2 ** 20 / seconds,
    csvMbPerSecond: sum('csvBytes') / 2 ** 20 / seconds,
    rowsPerSecond: rows / seconds,
    ratioToFloor: drop.wallMs / floorMs,
    serviceRssMiB: serviceRss(drop),
  };
}

/** Each service process' peak RSS over the drop, MiB. */
/** Each service's peak resident set, the highest of its processes' (the table-extractor may run in several). */
function serviceRss(drop: InboxDropResult): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const entry of drop.processes)
    if (entry.name !== localStackProcessName)
      peaks[entry.name] = Math.max(peaks[entry.name] ?? 0, entry.memory.peakRssBytes / 2 ** 20);
  return peaks;
}

function rssLine(rss: Record<string, number>): string {
  return Object.entries(rss)
    .map(([service, value]) => `${service} ${value.toFixed(0)} MiB`)
    .join(', ');
}

/** Each stage's busy time and span, and the deferrals, for the log. */
function stagesLine(drop: InboxDropResult): string {
  const stages = Object.entries(drop.stages)
    .map(
      ([stage, timing]) =>
        `${stage} ${timing.messages} msg busy ${(timing.busyMs / 1000).toFixed(2)} s span ${(timing.spanMs / 1000).toFixed(2)} s`,
    )
    .join(', ');
  return `${stages}; ${drop.deferrals} deferred${drop.deferralReasons[0] ? ` (${drop.deferralReasons[0]})` : ''}, ${drop.retries} retried`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
