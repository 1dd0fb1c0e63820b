import { dashboardTargets } from './dashboard-targets';
import { Fleet } from './options';
import type { BenchReport, BenchRun, Target } from './report-schema';
import { localStackProcessName, type ProcessUsage } from './service-fleet';
import { type Spread, spreadOf, spreadOfPresent } from './statistics';

/** The target ratio of the full load's time to the COPY floor's. */
export const floorRatioTarget = 3;
/** The target ratio of the full load's time to the ELT peer's (aiming for 1). */
export const peerRatioTarget = 1.5;
/** The scale the floor ratio target is stated at (the peer ratio target too). */
export const floorRatioTargetScale = 100;
/** The incremental p95 target, at a 1 s detection interval. */
export const incrementalP95TargetMs = 2000;
/** The detection interval the incremental target is stated at. */
export const incrementalTargetIntervalMs = 1000;
/** The peak RSS target of any one service as deployed (bundled): 192 MiB, as Lambda counts memory. */
export const peakRssTargetBytes = 192 * 1024 * 1024;
/** The scale the peak RSS target is stated at. */
export const peakRssTargetScale = 100;

/** How the services ran: the fleet of the timed runs, and the extra full load under tsx, if one ran. */
export interface FleetRuns {
  readonly fleet: Fleet;
  readonly tsxFullLoad: { readonly processes: readonly ProcessUsage[] } | null;
}

/** Median, min and max of every measure over the runs, and each service's peak RSS bundled and under tsx. */
export function summariseRuns(runs: readonly BenchRun[], fleets: FleetRuns): BenchReport['summary'] {
  const of = (values: readonly number[]) => spreadOf(values) as Spread;
  const incremental = runs.map((run) => run.incremental);
  return {
    floorMs: of(runs.map((run) => run.floor.ms)),
    fullLoadMs: of(runs.map((run) => run.fullLoad.wallMs)),
    ratioToFloor: of(runs.map((run) => run.ratioToFloor)),
    ...peerSummary(runs),
    rowsPerSecond: of(runs.map((run) => run.fullLoad.rowsPerSecond)),
    floorRowsPerSecond: of(runs.map((run) => run.floor.rowsPerSecond)),
    peakRssBytes: of(runs.map((run) => run.fullLoad.memory.peakRssBytes)),
    incrementalP50Ms: spreadOfPresent(incremental.map((phase) => phase?.p50Ms)),
    incrementalP95Ms: spreadOfPresent(incremental.map((phase) => phase?.p95Ms)),
    incrementalMaxMs: spreadOfPresent(incremental.map((phase) => phase?.maxMs)),
    incrementalPeakRssBytes: spreadOfPresent(incremental.map((phase) => phase?.memory.peakRssBytes)),
    lakeRawBytes: of(runs.map((run) => run.lake.raw.bytes)),
    lakeProcessedBytes: of(runs.map((run) => run.lake.processed.bytes)),
    serviceRssMiB: serviceRssOf(runs, fleets),
  };
}

/** Each service's highest peak over the full loads, bundled (the runs) and under tsx (the runs or the extra load). */
function serviceRssOf(
  runs: readonly BenchRun[],
  { fleet, tsxFullLoad }: FleetRuns,
): NonNullable<BenchReport['summary']['serviceRssMiB']> {
  const ofRuns = highestPerService(runs.map((run) => run.fullLoad.processes));
  if (fleet === Fleet.tsx) return { bundled: null, tsx: ofRuns };
  return { bundled: ofRuns, tsx: tsxFullLoad ? highestPerService([tsxFullLoad.processes]) : null };
}

/** The highest peak RSS of each service process over the phases, in MiB to one decimal. */
function highestPerService(phases: readonly (readonly ProcessUsage[] | undefined)[]): Record<string, number> {
  const highest = new Map<string, number>();
  for (const entry of phases.flatMap((processes) => processes ?? [])) {
    if (entry.name === localStackProcessName) continue;
    highest.set(entry.name, Math.max(highest.get(entry.name) ?? 0, entry.memory.peakRssBytes));
  }
  return Object.fromEntries(
    [...highest].map(([name, bytes]) => [name, Math.round((bytes / 2 ** 20) * 10) / 10]),
  );
}

/** The peer's time and the ratio to it, when every run measured the peer. */
function peerSummary(runs: readonly BenchRun[]): Pick<BenchReport['summary'], 'peerMs' | 'ratioToPeer'> {
  const peerMs = spreadOfPresent(runs.map((run) => run.peer?.ms));
  const ratioToPeer = spreadOfPresent(runs.map((run) => run.ratioToPeer));
  return peerMs && ratioToPeer ? { peerMs, ratioToPeer } : {};
}

/** The issue's three targets against the summary. */
export function evaluateTargets(
  summary: BenchReport['summary'],
  runs: readonly BenchRun[],
  options: { scale: number; intervalMs: number; fleet: Fleet },
): Target[] {
  const ratio = summary.ratioToFloor;
  const atScale = options.scale >= floorRatioTargetScale;
  const ratioMet = ratio.median <= floorRatioTarget;
  const targets: Target[] = [
    {
      name: 'full load vs COPY floor',
      target: `≤ ${floorRatioTarget}× the floor at scale ${floorRatioTargetScale}`,
      measured: `${fixed(ratio.median, 1)}× (${fixed(ratio.min, 1)}–${fixed(ratio.max, 1)}) at scale ${options.scale}`,
      verdict: atScale ? (ratioMet ? 'met' : 'not met') : 'not shown',
      note: atScale
        ? ''
        : `measured at scale ${options.scale}, not ${floorRatioTargetScale}; at this scale it would be ${ratioMet ? 'met' : 'not met'}`,
    },
  ];
  const peer = summary.ratioToPeer;
  if (peer) {
    const peerMet = peer.median <= peerRatioTarget;
    targets.push({
      name: 'full load vs ELT peer',
      target: `≤ ${peerRatioTarget}× the peer at scale ${floorRatioTargetScale}`,
      measured: `${fixed(peer.median, 1)}× (${fixed(peer.min, 1)}–${fixed(peer.max, 1)}) at scale ${options.scale}`,
      verdict: atScale ? (peerMet ? 'met' : 'not met') : 'not shown',
      note: atScale
        ? ''
        : `measured at scale ${options.scale}, not ${floorRatioTargetScale}; at this scale it would be ${peerMet ? 'met' : 'not met'}`,
    });
  }
  const p95 = summary.incrementalP95Ms;
  const notVisible = runs.reduce((sum, run) => sum + (run.incremental?.notVisible ?? 0), 0);
  if (p95) {
    const atInterval = options.intervalMs === incrementalTargetIntervalMs;
    const met = p95.median <= incrementalP95TargetMs && notVisible === 0;
    targets.push({
      name: 'incremental p95',
      target: `≤ ${incrementalP95TargetMs / 1000} s at a ${incrementalTargetIntervalMs / 1000} s detection interval`,
      measured: `${seconds(p95.median)} (${seconds(p95.min)}–${seconds(p95.max)}) at ${options.intervalMs} ms`,
      verdict: atInterval ? (met ? 'met' : 'not met') : 'not shown',
      note: [
        notVisible > 0 ? `${notVisible} change(s) never showed within the bound` : '',
        atInterval ? '' : `measured at a ${options.intervalMs} ms interval`,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  targets.push(memoryTarget(summary, runs, options), ...dashboardTargets(runs, options));
  return targets;
}

/** The peak RSS target, judged on the bundled services over every full load and incremental phase. */
function memoryTarget(
  summary: BenchReport['summary'],
  runs: readonly BenchRun[],
  options: { scale: number; fleet: Fleet },
): Target {
  const name = 'peak RSS per service';
  const target = `≤ ${mebibytes(peakRssTargetBytes)} for any service as deployed (bundled), at scale ${peakRssTargetScale}`;
  const tsx = highestEntry(summary.serviceRssMiB?.tsx ?? {});
  const underTsx = tsx ? `${tsx.mib.toFixed(1)} MiB under tsx (${tsx.name})` : '';
  if (options.fleet === Fleet.tsx) {
    return {
      name,
      target,
      measured: underTsx,
      verdict: 'not shown',
      note: 'the services ran under tsx only (--fleet tsx); the target is judged on them bundled, as deployed',
    };
  }
  const phases = runs.flatMap((run) => [
    run.fullLoad.processes ?? [],
    ...(run.incremental ? [run.incremental.processes ?? []] : []),
  ]);
  const highest = phases
    .flat()
    .filter((entry) => entry.name !== localStackProcessName)
    .reduce<{ name: string; bytes: number }>(
      (high, entry) =>
        entry.memory.peakRssBytes > high.bytes
          ? { name: entry.name, bytes: entry.memory.peakRssBytes }
          : high,
      { name: '?', bytes: 0 },
    );
  const within = highest.bytes <= peakRssTargetBytes;
  const atScale = options.scale >= peakRssTargetScale;
  const spread = summary.peakRssBytes;
  return {
    name,
    target,
    measured:
      `${mebibytes(spread.median)} (${mebibytes(spread.min)}–${mebibytes(spread.max)}) bundled, for the highest ` +
      `service process of each full load${underTsx ? `; ${underTsx}` : ''}`,
    verdict: atScale ? (within ? 'met' : 'not met') : 'not shown',
    note: [
      `the highest bundled peak, full loads and incremental phases, was ${highest.name} at ${mebibytes(highest.bytes)}`,
      atScale
        ? ''
        : `measured at scale ${options.scale}, not ${peakRssTargetScale}; at this scale it would be ${within ? 'met' : 'not met'}`,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

function highestEntry(mib: Readonly<Record<string, number>>): { name: string; mib: number } | undefined {
  return Object.entries(mib).reduce<{ name: string; mib: number } | undefined>(
    (high, [name, value]) => (!high || value > high.mib ? { name, mib: value } : high),
    undefined,
  );
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes as MiB with one decimal. */
export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
