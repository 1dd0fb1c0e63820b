import { describe, expect, it } from 'vitest';
import { Fleet } from './options';
import type { BenchRun } from './report-schema';
import type { ProcessUsage } from './service-fleet';
import { evaluateTargets, type FleetRuns, summariseRuns } from './summarise-runs';

const mib = 2 ** 20;

/** A process that peaked at `peakMiB`. */
function usage(name: string, peakMiB: number): ProcessUsage {
  const peakRssBytes = Math.round(peakMiB * mib);
  return {
    name,
    memory: {
      peakRssBytes,
      maxRssBytes: peakRssBytes,
      peakHeapUsedBytes: 0,
      peakExternalBytes: 0,
      startRssBytes: 0,
      samples: 1,
    },
    idleRssBytes: 0,
    cpuMs: 0,
  };
}

/** A run whose full load's service processes peaked as given (only what the summary and verdicts read). */
function runOf(run: number, peaks: Record<string, number>): BenchRun {
  const processes = [
    ...Object.entries(peaks).map(([name, peak]) => usage(name, peak)),
    usage('local-stack', 500),
  ];
  const highest = Math.max(...Object.values(peaks));
  return {
    run,
    floor: { ms: 1000, rowsPerSecond: 1 },
    fullLoad: { wallMs: 3000, rowsPerSecond: 1, memory: usage('any', highest).memory, processes },
    ratioToFloor: 3,
    incremental: null,
    lake: { raw: { bytes: 1, files: 1 }, processed: { bytes: 1, files: 1 } },
  } as unknown as BenchRun;
}

const memoryVerdict = (
  runs: BenchRun[],
  options: { scale: number; fleet: Fleet },
  tsx: FleetRuns['tsxFullLoad'] = null,
) => {
  const summary = summariseRuns(runs, { fleet: options.fleet, tsxFullLoad: tsx });
  return evaluateTargets(summary, runs, { ...options, intervalMs: 1000 }).find(
    (target) => target.name === 'peak RSS per service',
  );
};

describe('summariseRuns: peak RSS per service', () => {
  it('gives each service its highest full-load peak, bundled from the runs and under tsx from the extra load', () => {
    const runs = [
      runOf(1, { 'table-extractor': 150.04, 'fact-builder': 170 }),
      runOf(2, { 'table-extractor': 160.46, 'fact-builder': 140 }),
    ];
    const tsxFullLoad = { processes: [usage('table-extractor', 230), usage('local-stack', 600)] };

    const summary = summariseRuns(runs, { fleet: Fleet.both, tsxFullLoad });

    expect(summary.serviceRssMiB).toEqual({
      bundled: { 'table-extractor': 160.5, 'fact-builder': 170 },
      tsx: { 'table-extractor': 230 },
    });
  });

  it('puts the runs under tsx, and nothing as bundled, when the services ran under tsx only', () => {
    const summary = summariseRuns([runOf(1, { 'table-extractor': 230 })], {
      fleet: Fleet.tsx,
      tsxFullLoad: null,
    });

    expect(summary.serviceRssMiB).toEqual({ bundled: null, tsx: { 'table-extractor': 230 } });
  });
});

describe('evaluateTargets: peak RSS per service', () => {
  it('judges the 192 MiB target on the bundled services at scale 100, whatever tsx peaks at', () => {
    const tsx = { processes: [usage('table-extractor', 250)] };

    const met = memoryVerdict([runOf(1, { 'table-extractor': 191 })], { scale: 100, fleet: Fleet.both }, tsx);
    const notMet = memoryVerdict(
      [runOf(1, { 'table-extractor': 193 })],
      { scale: 100, fleet: Fleet.both },
      tsx,
    );

    expect(met).toMatchObject({ verdict: 'met', target: expect.stringContaining('192.0 MiB') });
    expect(met?.measured).toContain('250.0 MiB under tsx');
    expect(notMet?.verdict).toBe('not met');
    expect(notMet?.note).toContain('table-extractor at 193.0 MiB');
  });

  it('shows no verdict below scale 100, saying what it would be', () => {
    const verdict = memoryVerdict([runOf(1, { 'fact-builder': 150 })], { scale: 1, fleet: Fleet.bundled });

    expect(verdict?.verdict).toBe('not shown');
    expect(verdict?.note).toContain('at this scale it would be met');
  });

  it('shows no verdict when no service ran bundled, as deployed', () => {
    const verdict = memoryVerdict([runOf(1, { 'fact-builder': 150 })], { scale: 100, fleet: Fleet.tsx });

    expect(verdict?.verdict).toBe('not shown');
    expect(verdict?.note).toContain('--fleet tsx');
  });
});
