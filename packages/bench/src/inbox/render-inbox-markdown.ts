import type { InboxBenchReport } from './inbox-report-schema';

/** The inbox report as Markdown: the floor, each format against it, each service's peak RSS, the small files. */
export function renderInboxMarkdown(report: InboxBenchReport): string {
  const { inbox } = report;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const lines = [
    `## pnpm bench --inbox: ${mib(inbox.csvBytes)} of CSV (scale ${inbox.scale.toFixed(3)}), ${report.startedAt}`,
    '',
    `\`${report.command}\` at ${report.git?.commit.slice(0, 7) ?? 'unknown'}${report.git?.dirty ? ' (dirty)' : ''}; ` +
      `load average ${report.loadAverage.atStart.map((value) => value.toFixed(1)).join(', ')} at the start`,
    '',
    '| input | files | as dropped | rows | drop → warehouse | MiB/s dropped | MiB/s of CSV | rows/s | ÷ floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| floor: COPY … FROM (csv) | ${inbox.floor.perTable.length} | ${mib(inbox.floor.bytes)} | ${inbox.floor.rows} | ` +
      `${s(inbox.floor.ms)} | ${inbox.floor.mbPerSecond.toFixed(1)} | ${inbox.floor.mbPerSecond.toFixed(1)} | ` +
      `${Math.round(inbox.floor.rowsPerSecond)} | 1.00 |`,
    ...inbox.cases.map(
      (entry) =>
        `| ${entry.format} | ${entry.files.length} | ${mib(entry.files.reduce((sum, file) => sum + file.bytes, 0))} | ` +
        `${entry.rows} | ${s(entry.drop.wallMs)} | ${entry.mbPerSecond.toFixed(1)} | ${entry.csvMbPerSecond.toFixed(1)} | ` +
        `${Math.round(entry.rowsPerSecond)} | ${entry.ratioToFloor.toFixed(2)} |`,
    ),
  ];
  const columns = [
    ...inbox.cases.map((entry) => ({ name: entry.format, rss: entry.serviceRssMiB })),
    ...(inbox.smallFiles ? [{ name: 'small files', rss: inbox.smallFiles.serviceRssMiB }] : []),
  ];
  const services = [...new Set(columns.flatMap((column) => Object.keys(column.rss)))];
  lines.push(
    '',
    `| peak RSS | ${columns.map((column) => column.name).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...services.map(
      (service) =>
        `| ${service} | ${columns.map((column) => `${(column.rss[service] ?? 0).toFixed(1)} MiB`).join(' | ')} |`,
    ),
  );
  if (inbox.smallFiles) {
    const { drop } = inbox.smallFiles;
    lines.push(
      '',
      `Small files: ${drop.files} files of ${inbox.smallFiles.rowsPerFile} rows dropped at once, ${s(drop.wallMs)} to ` +
        `the warehouse: **${inbox.smallFiles.filesPerSecond.toFixed(1)} files/s** ` +
        `(${Math.round(inbox.smallFiles.rowsPerSecond)} rows/s).`,
    );
  }
  lines.push(
    '',
    '| target | wanted | measured | verdict | note |',
    '| --- | --- | --- | --- | --- |',
    ...inbox.targets.map(
      (target) =>
        `| ${target.name} | ${target.target} | ${target.measured} | ${target.verdict} | ${target.note} |`,
    ),
  );
  return lines.join('\n');
}
