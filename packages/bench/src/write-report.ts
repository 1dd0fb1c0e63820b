import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type InboxBenchReport, InboxBenchReportSchema } from './inbox/inbox-report-schema';
import { type BenchReport, BenchReportSchema } from './report-schema';

/** The file name of a report: when it started and at what scale (or `inbox` and its size), so reports sort by date. */
export function reportFileName(report: BenchReport | InboxBenchReport): string {
  const stamp = report.startedAt.slice(0, 19).replaceAll(':', '');
  return 'kind' in report
    ? `${stamp}Z-inbox-${report.options.inboxMb}mb.json`
    : `${stamp}Z-scale-${report.options.scale}.json`;
}

/** Writes the report as indented JSON into `folder`; returns the file's path. */
export async function writeReport(report: BenchReport | InboxBenchReport, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, reportFileName(report));
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** Reads a report back, validated, so reports of earlier runs can be compared. */
export async function readReport(path: string): Promise<BenchReport> {
  return BenchReportSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** Reads an inbox report (`pnpm bench --inbox`) back, validated. */
export async function readInboxReport(path: string): Promise<InboxBenchReport> {
  return InboxBenchReportSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}
