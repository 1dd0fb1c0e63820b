import type { BenchRun, Target } from './report-schema';

/** Issue 14: each page's server time, p95, cold and warm, at scale 100. */
export const dashboardPageP95TargetMs = 200;
export const dashboardTargetScale = 100;
/** Issue 14: from a source commit to the change on an open page, p95, at a 1 s detection interval. */
export const commitToScreenP95TargetMs = 2000;
export const commitToScreenTargetIntervalMs = 1000;

type Worst = { ms: number; where: string } | undefined;

/** The slowest p95 of the pages over the runs, cold or warm, with the page and controls it was for. */
function worstPageP95(runs: readonly BenchRun[], side: 'cold' | 'warm'): Worst {
  let worst: Worst;
  for (const page of runs.flatMap((run) => run.dashboard?.pages ?? [])) {
    const p95 = page[side].p95Ms;
    if (p95 !== null && (!worst || p95 > worst.ms))
      worst = { ms: p95, where: `/${page.page}${page.query ? `?${page.query}` : ''}` };
  }
  return worst;
}

/** The dashboard's two targets, when a run measured the dashboard (none otherwise). */
export function dashboardTargets(
  runs: readonly BenchRun[],
  options: { scale: number; intervalMs: number },
): Target[] {
  const targets: Target[] = [];
  const cold = worstPageP95(runs, 'cold');
  const warm = worstPageP95(runs, 'warm');
  const failed = runs
    .flatMap((run) => run.dashboard?.pages ?? [])
    .reduce((sum, page) => sum + page.cold.failed + page.warm.failed, 0);
  if (cold && warm) {
    const atScale = options.scale >= dashboardTargetScale;
    const met = cold.ms <= dashboardPageP95TargetMs && warm.ms <= dashboardPageP95TargetMs && failed === 0;
    targets.push({
      name: 'dashboard page p95',
      target: `≤ ${dashboardPageP95TargetMs} ms per page, cold and warm, at scale ${dashboardTargetScale}`,
      measured: `slowest cold ${Math.round(cold.ms)} ms (${cold.where}), slowest warm ${Math.round(warm.ms)} ms (${warm.where}) at scale ${options.scale}`,
      verdict: atScale ? (met ? 'met' : 'not met') : 'not shown',
      note: [
        failed > 0 ? `${failed} request(s) did not answer 2xx` : '',
        atScale
          ? ''
          : `measured at scale ${options.scale}, not ${dashboardTargetScale}; at this scale it would be ${met ? 'met' : 'not met'}`,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  const screens = runs.flatMap((run) =>
    run.dashboard?.commitToScreen ? [run.dashboard.commitToScreen] : [],
  );
  const p95s = screens.flatMap((screen) => (screen.p95Ms === null ? [] : [screen.p95Ms]));
  if (p95s.length > 0) {
    const worstP95 = Math.max(...p95s);
    const notVisible = screens.reduce((sum, screen) => sum + screen.notVisible, 0);
    const atInterval = options.intervalMs === commitToScreenTargetIntervalMs;
    const met = worstP95 <= commitToScreenP95TargetMs && notVisible === 0;
    targets.push({
      name: 'dashboard commit-to-screen p95',
      target: `≤ ${commitToScreenP95TargetMs / 1000} s at a ${commitToScreenTargetIntervalMs / 1000} s detection interval`,
      measured: `${(worstP95 / 1000).toFixed(2)} s (the slowest run's p95) at ${options.intervalMs} ms`,
      verdict: atInterval ? (met ? 'met' : 'not met') : 'not shown',
      note: [
        notVisible > 0 ? `${notVisible} change(s) never showed on the page within the bound` : '',
        atInterval ? '' : `measured at a ${options.intervalMs} ms interval`,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  return targets;
}
