import type { BenchReport, BenchRun, Target } from './report-schema';
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
/** The peak RSS target of any one service: 256 MB, as Lambda counts memory (MiB). */
export const peakRssTargetBytes = 256 * 1024 * 1024;

/** Median, min and max of every measure over the runs. */
export function summariseRuns(runs: readonly BenchRun[]): BenchReport['summary'] {
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
  };
}

/** The peer's time and the ratio to it, when every run measured the peer. */
function peerSummary(runs: readonly BenchRun[]): Pick<BenchReport['summary'], 'peerMs' | 'ratioToPeer'> {
  const peerMs = spreadOfPresent(runs.map((run) => run.peer?.ms));
  const ratioToPeer = spreadOfPresent(runs.map((run) => run.ratioToPeer));
  return peerMs && ratioToPeer ? { peerMs, ratioToPeer } : {};
}

/** The three targets against the summary. */
export function evaluateTargets(
  summary: BenchReport['summary'],
  runs: readonly BenchRun[],
  options: { scale: number; intervalMs: number },
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
  const phases = runs.flatMap((run) => [
    run.fullLoad.processes,
    ...(run.incremental ? [run.incremental.processes] : []),
  ]);
  const perService = phases.every((processes) => processes !== undefined && processes.length > 1);
  const peaks = runs.flatMap((run) => [
    run.fullLoad.memory.peakRssBytes,
    ...(run.incremental ? [run.incremental.memory.peakRssBytes] : []),
  ]);
  const highest = Math.max(...peaks);
  const highestService = phases
    .flatMap((processes) => processes ?? [])
    .filter((entry) => entry.name !== 'local-stack')
    .reduce<{ name: string; bytes: number } | undefined>(
      (high, entry) =>
        !high || entry.memory.peakRssBytes > high.bytes
          ? { name: entry.name, bytes: entry.memory.peakRssBytes }
          : high,
      undefined,
    );
  const within = highest <= peakRssTargetBytes;
  targets.push({
    name: 'peak RSS per service',
    target: `≤ ${mebibytes(peakRssTargetBytes)} for any service, at any scale`,
    measured: `${mebibytes(summary.peakRssBytes.median)} (${mebibytes(summary.peakRssBytes.min)}–${mebibytes(
      summary.peakRssBytes.max,
    )}) for the highest service process of each full load`,
    verdict: within ? 'met' : perService ? 'not met' : 'not shown',
    note: perService
      ? `each service in a process of its own; the highest peak was ${highestService?.name ?? '?'} at ${mebibytes(highest)}`
      : within
        ? `all five services together stay under the bound, so each does (highest ${mebibytes(highest)})`
        : `the one process holding all five services peaks at ${mebibytes(highest)}; a service's own peak needs one process per service`,
  });
  return targets;
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
