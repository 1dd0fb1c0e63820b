import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from '../src/commit-to-screen';
import { defaultBenchOptions } from '../src/options';
import { renderReportMarkdown } from '../src/render-markdown';
import { type BenchReport, BenchReportSchema } from '../src/report-schema';
import { runBench } from '../src/run-bench';
import { readReport, writeReport } from '../src/write-report';

// A smoke run, not a timed test: it checks that the benchmark works end to end and that its report is well formed,
// and asserts nothing about speed. Its bound is wide: it runs three full loads (bundled, under tsx, profiled) on
// two cores that other test files share. The dashboard phase is kept small: two requests per page and query, two
// commits to the open page (Chromium is there wherever the browser tests run; without it that measure is skipped).
const chromium = existsSync(chromiumPath());

describe('pnpm bench at scale 0.01, one run, three changes', () => {
  let report: BenchReport;
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'totes-bench-out-'));
    report = await runBench(
      {
        ...defaultBenchOptions,
        scale: 0.01,
        runs: 1,
        changes: 3,
        out,
        timeoutMs: 60_000,
        dashboardRequests: 2,
        dashboardChanges: 2,
      },
      {
        repoRoot: fileURLToPath(new URL('../../../', import.meta.url)),
        command: 'pnpm bench --scale 0.01 --runs 1 --changes 3',
        log: () => {},
        profileDir: null,
      },
    );
  }, 360_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('produces a report that matches its schema', () => {
    expect(BenchReportSchema.safeParse(report).success).toBe(true);
    expect(report.runs).toHaveLength(1);
  });

  it('loads every source row through the five services and compares the load with the COPY floor', () => {
    const [run] = report.runs;
    expect(run?.floor.rows).toBe(report.source.totalRows);
    expect(run?.fullLoad.rowsExtracted).toBe(report.source.totalRows);
    expect(run?.fullLoad).toMatchObject({ tables: 11, models: 11 });
    expect(run?.ratioToFloor).toBeGreaterThan(0);
    expect(run?.lake.raw.files).toBeGreaterThan(0);
  });

  it('measures the ELT peer on the same data and reports the full load as a ratio to it', () => {
    const [run] = report.runs;
    expect(run?.peer?.rows).toBe(report.source.totalRows);
    expect(run?.peer?.perModel).toHaveLength(11);
    expect(run?.peer?.ms).toBeCloseTo((run?.peer?.copyMs ?? 0) + (run?.peer?.buildMs ?? 0));
    expect(run?.ratioToPeer).toBeCloseTo((run?.fullLoad.wallMs ?? 0) / (run?.peer?.ms ?? 1));
    expect(report.summary.peerMs?.median).toBe(run?.peer?.ms);
    expect(report.summary.ratioToPeer?.median).toBe(run?.ratioToPeer);
    expect(report.summary.ratioToFloor.median).toBe(run?.ratioToFloor);
  });

  it('times every change from the source to the warehouse', () => {
    const incremental = report.runs[0]?.incremental;
    expect(incremental?.changes.map((change) => change.table)).toEqual(['sales_order', 'payment', 'design']);
    expect(incremental?.notVisible).toBe(0);
  });

  it('summarises a CPU profile of the full load and states a verdict for each target', () => {
    expect(report.profile?.summary.topSelf.length).toBeGreaterThan(0);
    expect(report.targets.map((target) => target.name)).toEqual([
      'full load vs COPY floor',
      'full load vs ELT peer',
      'incremental p95',
      'peak RSS per service',
      'dashboard page p95',
      ...(chromium ? ['dashboard commit-to-screen p95'] : []),
    ]);
  });

  it('runs the timed load bundled, as deployed, and one more under tsx, and gives each service its peak RSS in both', () => {
    const services = [
      'change-detector',
      'table-extractor',
      'dimension-builder',
      'fact-builder',
      'warehouse-loader',
    ];
    const rss = report.summary.serviceRssMiB;

    expect(report.options.fleet).toBe('both');
    expect(report.platform.serviceBundle?.external).toEqual(['pg-native', 'parquet-wasm']);
    expect(report.tsxFullLoad?.processes.map((entry) => entry.name)).toEqual([...services, 'local-stack']);
    expect(Object.keys(rss?.bundled ?? {}).sort()).toEqual([...services].sort());
    expect(Object.keys(rss?.tsx ?? {}).sort()).toEqual([...services].sort());
    for (const service of services) {
      expect(rss?.bundled?.[service]).toBeGreaterThan(0);
      expect(rss?.tsx?.[service]).toBeGreaterThan(0);
    }
    expect(report.targets.find((target) => target.name === 'peak RSS per service')).toMatchObject({
      name: 'peak RSS per service',
      target: expect.stringContaining('192.0 MiB'),
      verdict: 'not shown',
    });
  });

  it('times every page cold and warm, every named query uncached, and a commit to the open page in Chromium', () => {
    const dashboard = report.runs[0]?.dashboard;
    const pages = dashboard?.pages.map((page) => `/${page.page}?${page.query}`);
    const timings = [
      ...(dashboard?.pages ?? []).flatMap((page) => [page.cold, page.warm]),
      ...(dashboard?.queries ?? []).map((query) => query.uncached),
    ];

    expect(pages).toContain('/sales?');
    expect(pages).toContain('/payments?currency=GBP');
    expect(pages).toContain('/health?');
    expect(dashboard?.queries.map((query) => query.name)).toContain('sales_top_designs');
    expect(dashboard?.queries.find((query) => query.name === 'sales_top_designs')?.rows).toBeGreaterThan(0);
    for (const timing of timings)
      expect(timing).toMatchObject({ requests: 2, failed: 0, p95Ms: expect.any(Number) });
    expect(dashboard?.commitToScreen === null).toBe(!chromium);
    expect(dashboard?.commitToScreen?.changes.map((change) => change.kind) ?? []).toEqual(
      chromium ? ['design_renamed', 'sales_order_created'] : [],
    );
    expect(dashboard?.commitToScreen?.notVisible ?? 0).toBe(0);
  });

  it('writes the report as JSON that reads back the same, and renders it as Markdown', async () => {
    const path = await writeReport(report, out);
    expect(await readReport(path)).toEqual(report);
    expect(renderReportMarkdown(report)).toContain('| full load ÷ floor |');
    expect(renderReportMarkdown(report)).toContain('| full load ÷ peer |');
    expect(renderReportMarkdown(report)).toMatch(/\| \/sales \| defaults \| \d+ ms \/ \d+ ms \/ \d+ ms \|/);
    expect(renderReportMarkdown(report)).toMatch(/\| table-extractor \| [\d.]+ MiB \| [\d.]+ MiB \|/);
  });
});
