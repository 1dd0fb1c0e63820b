import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InboxBenchReport, InboxBenchReportSchema } from '../src/inbox/inbox-report-schema';
import { renderInboxMarkdown } from '../src/inbox/render-inbox-markdown';
import { runInboxBench } from '../src/inbox/run-inbox-bench';
import { defaultBenchOptions, Fleet } from '../src/options';
import { readInboxReport, writeReport } from '../src/write-report';

// A smoke run, not a timed test: it checks that `pnpm bench --inbox` works end to end at a tiny size (1 MiB of
// CSV in every format, 50 small files) and that its report is well formed; it asserts nothing about speed. Its
// bound is wide: seven drops into four platforms, on two cores that other test files share.
describe('pnpm bench --inbox at 1 MiB, every format, 50 small files', () => {
  let report: InboxBenchReport;
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'totes-bench-inbox-out-'));
    report = await runInboxBench(
      {
        ...defaultBenchOptions,
        fleet: Fleet.bundled,
        out,
        timeoutMs: 300_000,
        inbox: { mb: 1, formats: ['csv', 'parquet', 'csv.gz'], smallFiles: 50, extractors: 2 },
      },
      {
        repoRoot: fileURLToPath(new URL('../../../', import.meta.url)),
        command: 'pnpm bench --inbox --inbox-mb 1 --inbox-format all --small-files 50',
        log: () => {},
        profileDir: null,
      },
    );
  }, 1_200_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('produces a report that matches its schema', () => {
    expect(InboxBenchReportSchema.safeParse(report).success).toBe(true);
    expect(report.inbox.csvBytes).toBeGreaterThanOrEqual(2 ** 20);
  });

  it('loads every generated row of each format through the five services, and compares it with the floor', () => {
    expect(report.inbox.cases.map((entry) => entry.format)).toEqual(['csv', 'parquet', 'csv.gz']);
    for (const entry of report.inbox.cases) {
      expect(entry.drop.rowsExtracted).toBe(report.inbox.floor.rows);
      // The facts' rows, and the calendar days they reference.
      expect(entry.drop.rowsLoaded).toBeGreaterThan(report.inbox.floor.rows);
      expect(entry.drop.models).toEqual(expect.arrayContaining(['fact_payment', 'fact_sales_order']));
      expect(entry.ratioToFloor).toBeCloseTo(entry.drop.wallMs / report.inbox.floor.ms);
      expect(Object.keys(entry.serviceRssMiB)).toHaveLength(5);
    }
    expect(report.inbox.cases[2]?.files.every((file) => file.bytes < file.csvBytes)).toBe(true);
  });

  it('drops the small files at once and reports them as files per second', () => {
    const small = report.inbox.smallFiles;
    expect(small?.drop.files).toBe(50);
    expect(small?.drop.rowsExtracted).toBe(50 * (small?.rowsPerFile ?? 0));
    expect(small?.filesPerSecond).toBeCloseTo(50 / ((small?.drop.wallMs ?? 1) / 1000));
  });

  it('states a verdict for each target, not shown below a gigabyte', () => {
    expect(report.inbox.targets.map((target) => [target.name, target.verdict])).toEqual([
      ['inbox drop vs COPY … FROM floor', 'not shown'],
      ['inbox peak RSS per service', 'not shown'],
    ]);
  });

  it('writes the report as JSON that reads back the same, and renders it as Markdown', async () => {
    const path = await writeReport(report, out);
    expect(path).toMatch(/-inbox-1mb\.json$/);
    expect(await readInboxReport(path)).toEqual(report);
    expect(renderInboxMarkdown(report)).toMatch(/\| csv\.gz \| 2 \| [\d.]+ MiB \| \d+ \|/);
    expect(renderInboxMarkdown(report)).toContain('files/s');
  });
});
