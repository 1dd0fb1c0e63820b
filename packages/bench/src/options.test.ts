import { describe, expect, it } from 'vitest';
import { BenchError } from './errors';
import { defaultBenchOptions, parseBenchArgs } from './options';

describe('parseBenchArgs', () => {
  it('defaults to scale 1, 3 runs, 50 changes at the 1 s interval of pnpm start', () => {
    expect(parseBenchArgs([])).toEqual(defaultBenchOptions);
    expect(defaultBenchOptions).toMatchObject({ scale: 1, runs: 3, changes: 50, intervalMs: 1000 });
  });

  it('reads every option, spaced or with =, and ignores the -- that pnpm may pass on', () => {
    expect(
      parseBenchArgs([
        '--',
        '--scale',
        '0.5',
        '--runs=2',
        '--changes',
        '0',
        '--interval-ms',
        '500',
        '--no-profile',
      ]),
    ).toMatchObject({ scale: 0.5, runs: 2, changes: 0, intervalMs: 500, profile: false });
    expect(parseBenchArgs(['--out', 'somewhere'])?.out).toBe('somewhere');
    expect(parseBenchArgs(['--no-out'])?.out).toBeNull();
  });

  it('runs the timed loads bundled and one more under tsx unless --fleet says otherwise', () => {
    expect(defaultBenchOptions.fleet).toBe('both');
    expect(parseBenchArgs(['--fleet', 'bundled'])?.fleet).toBe('bundled');
    expect(parseBenchArgs(['--fleet=tsx'])?.fleet).toBe('tsx');
    expect(() => parseBenchArgs(['--fleet', 'esbuild'])).toThrow(/--fleet must be one of both, bundled, tsx/);
  });

  it("loads with the platform's parallelism unless --load-parallelism or TOTES_LOAD_PARALLELISM says otherwise", () => {
    expect(defaultBenchOptions.loadParallelism).toBe(2);
    expect(parseBenchArgs([], { TOTES_LOAD_PARALLELISM: '4' })?.loadParallelism).toBe(4);
    expect(
      parseBenchArgs(['--load-parallelism', '3'], { TOTES_LOAD_PARALLELISM: '4' })?.loadParallelism,
    ).toBe(3);
    expect(() => parseBenchArgs(['--load-parallelism', '0'])).toThrow(
      /--load-parallelism must be an integer/,
    );
  });

  it('runs the dashboard phase with 20 requests and 8 changes unless told otherwise, or skips it with --no-dashboard', () => {
    expect(defaultBenchOptions).toMatchObject({
      dashboard: true,
      dashboardRequests: 20,
      dashboardChanges: 8,
    });
    expect(parseBenchArgs(['--no-dashboard'])?.dashboard).toBe(false);
    expect(parseBenchArgs(['--dashboard-requests', '5', '--dashboard-changes=0'])).toMatchObject({
      dashboard: true,
      dashboardRequests: 5,
      dashboardChanges: 0,
    });
    expect(() => parseBenchArgs(['--dashboard-requests', '0'])).toThrow(
      /--dashboard-requests must be an integer ≥ 1/,
    );
  });

  it('runs the full loads unless --inbox asks for the inbox: 1 GiB of CSV, CSV only, 10 000 small files by default', () => {
    expect(defaultBenchOptions.inbox).toBeNull();
    expect(parseBenchArgs(['--inbox'])?.inbox).toEqual({
      mb: 1024,
      formats: ['csv'],
      smallFiles: 10_000,
      extractors: 2,
    });
  });

  it('reads the inbox options, all formats at once, and refuses them without --inbox', () => {
    expect(
      parseBenchArgs([
        '--inbox',
        '--inbox-mb',
        '50',
        '--inbox-format=all',
        '--small-files',
        '0',
        '--extractors',
        '3',
      ])?.inbox,
    ).toEqual({ mb: 50, formats: ['csv', 'parquet', 'csv.gz'], smallFiles: 0, extractors: 3 });
    expect(parseBenchArgs(['--inbox', '--inbox-format', 'csv.gz'])?.inbox?.formats).toEqual(['csv.gz']);
    expect(() => parseBenchArgs(['--inbox', '--inbox-format', 'jsonl'])).toThrow(
      /--inbox-format must be one of csv, parquet, csv.gz or all/,
    );
    expect(() => parseBenchArgs(['--inbox-mb', '50'])).toThrow(/--inbox-mb needs --inbox/);
  });

  it('answers --help with null, for the usage text', () => {
    expect(parseBenchArgs(['--help'])).toBeNull();
  });

  it('refuses unknown arguments and values out of range, with the usage', () => {
    expect(() => parseBenchArgs(['--scael', '1'])).toThrow(BenchError);
    expect(() => parseBenchArgs(['--scale', '0'])).toThrow(/--scale must be a positive number/);
    expect(() => parseBenchArgs(['--runs', '1.5'])).toThrow(/--runs must be an integer/);
    expect(() => parseBenchArgs(['--runs'])).toThrow(/needs a value/);
  });
});
