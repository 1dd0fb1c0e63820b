import { describe, expect, it } from 'vitest';
import { dashboardTargets } from './dashboard-targets';
import type { BenchRun } from './report-schema';

const times = (p95Ms: number, failed = 0) => ({
  requests: 20,
  failed,
  p50Ms: p95Ms / 2,
  p95Ms,
  maxMs: p95Ms,
});

/** A run with only what the dashboard's targets read. */
function runWith(
  pages: { cold: number; warm: number; failed?: number }[],
  screenP95Ms: number | null,
): BenchRun {
  return {
    dashboard: {
      requests: 20,
      pages: pages.map((page, index) => ({
        page: 'sales',
        query: index === 0 ? '' : `top=${index + 1}`,
        cold: times(page.cold, page.failed),
        warm: times(page.warm),
      })),
      queries: [],
      commitToScreen:
        screenP95Ms === null
          ? null
          : {
              intervalMs: 1000,
              pollMs: 20,
              changes: [],
              p50Ms: 900,
              p95Ms: screenP95Ms,
              maxMs: screenP95Ms,
              notVisible: 0,
            },
      note: screenP95Ms === null ? 'commit-to-screen not measured: no Chromium' : '',
    },
  } as unknown as BenchRun;
}

describe('dashboardTargets', () => {
  it('meets the page target at scale 100 only when every page is within 200 ms cold and warm', () => {
    const within = dashboardTargets(
      [
        runWith(
          [
            { cold: 150, warm: 10 },
            { cold: 200, warm: 12 },
          ],
          1500,
        ),
      ],
      {
        scale: 100,
        intervalMs: 1000,
      },
    );
    const over = dashboardTargets(
      [
        runWith(
          [
            { cold: 150, warm: 10 },
            { cold: 201, warm: 12 },
          ],
          2500,
        ),
      ],
      {
        scale: 100,
        intervalMs: 1000,
      },
    );

    expect(within.map((target) => target.verdict)).toEqual(['met', 'met']);
    expect(over.map((target) => target.verdict)).toEqual(['not met', 'not met']);
    expect(over[0]?.measured).toBe(
      'slowest cold 201 ms (/sales?top=2), slowest warm 12 ms (/sales?top=2) at scale 100',
    );
  });

  it('does not meet the page target when a request failed, however fast the others were', () => {
    const [page] = dashboardTargets([runWith([{ cold: 50, warm: 5, failed: 1 }], null)], {
      scale: 100,
      intervalMs: 1000,
    });

    expect(page).toMatchObject({ verdict: 'not met', note: '1 request(s) did not answer 2xx' });
  });

  it('shows neither target away from scale 100 or the 1 s interval, and leaves out commit-to-screen when not measured', () => {
    const small = dashboardTargets([runWith([{ cold: 50, warm: 5 }], 1500)], { scale: 10, intervalMs: 500 });
    const noBrowser = dashboardTargets([runWith([{ cold: 50, warm: 5 }], null)], {
      scale: 100,
      intervalMs: 1000,
    });

    expect(small.map((target) => target.verdict)).toEqual(['not shown', 'not shown']);
    expect(small[0]?.note).toBe('measured at scale 10, not 100; at this scale it would be met');
    expect(noBrowser.map((target) => target.name)).toEqual(['dashboard page p95']);
  });
});
