import type { Profiler } from 'node:inspector';
import { describe, expect, it } from 'vitest';
import { summariseCpuProfile } from './cpu-profile';

const frame = (functionName: string, url: string) => ({
  functionName,
  url,
  scriptId: '0',
  lineNumber: 0,
  columnNumber: 0,
});

// root → load (workspace) → encode (dependency); root → (idle)
const profile: Profiler.Profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
    {
      id: 2,
      callFrame: frame('load', 'file:///repo/packages/warehouse-loader/src/warehouse-writer.ts'),
      children: [3],
    },
    {
      id: 3,
      callFrame: frame(
        'encode',
        'file:///repo/node_modules/.pnpm/apache-arrow@21.0.0/node_modules/apache-arrow/x.mjs',
      ),
    },
    { id: 4, callFrame: frame('(idle)', '') },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 3, 3, 3, 4, 4, 4, 4, 4, 4],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('summariseCpuProfile', () => {
  const summary = summariseCpuProfile(profile, { repoRoot: '/repo' });

  it('splits the profiled time into idle and busy', () => {
    expect(summary).toMatchObject({ durationMs: 10, idleMs: 6, busyMs: 4 });
  });

  it('ranks functions by self time, as a share of the busy time, named file:function', () => {
    expect(summary.topSelf.map((entry) => [entry.location, entry.ms, entry.busyPercent])).toEqual([
      ['apache-arrow/x.mjs:encode', 3, 75],
      ['packages/warehouse-loader/src/warehouse-writer.ts:load', 1, 25],
    ]);
  });

  it('counts what a workspace function calls in its inclusive time', () => {
    expect(summary.topInclusive).toEqual([
      expect.objectContaining({ location: 'packages/warehouse-loader/src/warehouse-writer.ts:load', ms: 4 }),
    ]);
  });

  it('adds up self time by owner: workspace package or dependency', () => {
    expect(summary.byOwner).toEqual([
      { owner: 'apache-arrow', selfMs: 3, busyPercent: 75 },
      { owner: '@totes/warehouse-loader', selfMs: 1, busyPercent: 25 },
    ]);
  });
});
