import type { BenchReport } from './report-schema';
import { localStackProcessName } from './service-fleet';
import { type Spread, spreadOf } from './statistics';
import { mebibytes, peakRssTargetBytes } from './summarise-runs';

/** The report as Markdown tables, for docs/benchmarks.md and the terminal. */
export function renderReportMarkdown(report: BenchReport): string {
  const { machine, summary, options } = report;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const spread = (value: Spread | null, format: (n: number) => string) =>
    value ? [format(value.median), format(value.min), format(value.max)] : ['—', '—', '—'];
  const rate = (n: number) => `${Math.round(n).toLocaleString('en-GB')}`;
  const latency = (n: number) => `${Math.round(n)} ms`;
  const verdicts = new Map(report.targets.map((target) => [target.name, target]));
  // Older reports, from before the fleets, ran every service under tsx.
  const runsFleet = options.fleet === undefined || options.fleet === 'tsx' ? 'under tsx' : 'bundled';
  const verdict = (name: string) => {
    const target = verdicts.get(name);
    return target ? `${target.target}: **${target.verdict}**` : '';
  };
  const lines = [
    `### Scale ${options.scale}, ${options.runs} run(s), ${report.startedAt.slice(0, 10)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| command | \`${report.command}\` |`,
    `| date | ${report.startedAt} → ${report.finishedAt} (${seconds(report.durationMs)}) |`,
    `| commit | \`${report.git?.commit ?? 'unknown'}\`${report.git?.dirty ? ' (working tree had uncommitted changes)' : ''} |`,
    `| machine | ${machine.cpus} × ${machine.cpuModel}, ${mebibytes(machine.memoryBytes)}, ${machine.platform}/${machine.arch}, Node ${machine.node} |`,
    `| load average (1/5/15 min) | at start ${report.loadAverage.atStart.join(' / ')}; at end ${report.loadAverage.atEnd.join(' / ')}; per run ${report.runs.map((run) => run.loadAverageAtStart[0]).join(', ')} |`,
    `| PostgreSQL | ${report.postgres.version}, embedded, ${report.postgres.mode} mode (${Object.entries(
      report.postgres.settings,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}) |`,
    `| source | ${report.source.totalRows.toLocaleString('en-GB')} rows, ${mebibytes(report.source.bytesOnDisk)} on disk; seeded in ${seconds(report.source.seedMs)} |`,
    `| platform | ${report.platform.process} |`,
    '',
    '| measure | median | min | max | target |',
    '| --- | ---: | ---: | ---: | --- |',
    `| COPY floor | ${spread(summary.floorMs, seconds).join(' | ')} | |`,
    `| full load (first detection → run.completed) | ${spread(summary.fullLoadMs, seconds).join(' | ')} | |`,
    `| full load ÷ floor | ${spread(summary.ratioToFloor, (n) => `${n.toFixed(1)}×`).join(' | ')} | ${verdict('full load vs COPY floor')} |`,
    `| ELT peer (COPY into staging, then the warehouse rebuilt in SQL) | ${spread(summary.peerMs ?? null, seconds).join(' | ')} | |`,
    `| full load ÷ peer | ${spread(summary.ratioToPeer ?? null, (n) => `${n.toFixed(1)}×`).join(' | ')} | ${verdict('full load vs ELT peer')} |`,
    `| full load rows/s | ${spread(summary.rowsPerSecond, rate).join(' | ')} | |`,
    `| floor rows/s | ${spread(summary.floorRowsPerSecond, rate).join(' | ')} | |`,
    `| incremental p50 | ${spread(summary.incrementalP50Ms, latency).join(' | ')} | |`,
    `| incremental p95 | ${spread(summary.incrementalP95Ms, latency).join(' | ')} | ${verdict('incremental p95')} |`,
    `| incremental max | ${spread(summary.incrementalMaxMs, latency).join(' | ')} | |`,
    `| peak RSS, full load (the highest service process, ${runsFleet}) | ${spread(summary.peakRssBytes, mebibytes).join(' | ')} | ${verdict('peak RSS per service')} |`,
    ...processNames(report).map(
      (name) =>
        `| — peak RSS of ${name}, full load${name === localStackProcessName ? '' : `, ${runsFleet}`} | ${spread(
          spreadOf(
            report.runs.flatMap((run) =>
              (run.fullLoad.processes ?? [])
                .filter((entry) => entry.name === name)
                .map((entry) => entry.memory.peakRssBytes),
            ),
          ),
          mebibytes,
        ).join(' | ')} | |`,
    ),
    `| RSS of the highest service process, idle before the load | ${spread(
      spreadOf(report.runs.map((run) => run.fullLoad.idleRssBytes)),
      mebibytes,
    ).join(' | ')} | |`,
    `| peak RSS, incremental phase | ${spread(summary.incrementalPeakRssBytes, mebibytes).join(' | ')} | |`,
    `| lake raw/ | ${spread(summary.lakeRawBytes, mebibytes).join(' | ')} | source on disk: ${mebibytes(report.source.bytesOnDisk)} |`,
    `| lake processed/ | ${spread(summary.lakeProcessedBytes, mebibytes).join(' | ')} | |`,
    '',
    'Per run: stages of the full load (busy = sum of message handling times; span = first start → last end):',
    '',
    '| run | wall | detect | extract busy / span | build busy / span | load busy / span | deferrals | CPU node / postgres | incremental p50 / p95 / max | detect cycle p50 / max |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.runs.map((run) => {
      const { stages, cpu } = run.fullLoad;
      const pair = (stage: { busyMs: number; spanMs: number }) =>
        `${seconds(stage.busyMs)} / ${seconds(stage.spanMs)}`;
      const phase = run.incremental;
      return `| ${run.run} | ${seconds(run.fullLoad.wallMs)} | ${seconds(stages.detect.busyMs)} | ${pair(stages.extract)} | ${pair(stages.build)} | ${pair(stages.load)} | ${run.fullLoad.deferrals} | ${seconds(cpu.platformMs)} / ${cpu.postgresMs === null ? '—' : seconds(cpu.postgresMs)} | ${
        phase
          ? [phase.p50Ms, phase.p95Ms, phase.maxMs].map((n) => (n === null ? '—' : latency(n))).join(' / ')
          : '—'
      } | ${
        phase
          ? [phase.detectCycle.p50Ms, phase.detectCycle.maxMs]
              .map((n) => (n === null ? '—' : latency(n)))
              .join(' / ')
          : '—'
      } |`;
    }),
  ];
  lines.push(...serviceRssTable(report), ...dashboardTables(report));
  const reasons = [...new Set(report.runs.flatMap((run) => run.fullLoad.deferralReasons))];
  if (reasons.length > 0) {
    lines.push(
      '',
      'Deferred during the full loads:',
      '',
      ...reasons.slice(0, 6).map((reason) => `- ${reason}`),
    );
  }
  for (const target of report.targets.filter((entry) => entry.note)) {
    lines.push('', `- **${target.name}** (${target.verdict}): ${target.note}.`);
  }
  if (report.profile) {
    const { summary: profile } = report.profile;
    lines.push(
      '',
      `CPU profile of one more full load (untimed; ${seconds(report.profile.wallMs)} under the profiler): busy ${seconds(profile.busyMs)} of ${seconds(profile.durationMs)}, GC ${seconds(profile.garbageCollectionMs)}.`,
      '',
      '| self time | % of busy | function |',
      '| ---: | ---: | --- |',
      ...profile.topSelf.map(
        (entry) =>
          `| ${seconds(entry.ms)} | ${entry.busyPercent.toFixed(1)} % | \`${entry.location}\`${entry.line ? ` (line ${entry.line})` : ''} |`,
      ),
      '',
      '| inclusive time | % of busy | workspace function |',
      '| ---: | ---: | --- |',
      ...profile.topInclusive.map(
        (entry) =>
          `| ${seconds(entry.ms)} | ${entry.busyPercent.toFixed(1)} % | \`${entry.location}\`${entry.line ? ` (line ${entry.line})` : ''} |`,
      ),
      '',
      '| owner | self time | % of busy |',
      '| --- | ---: | ---: |',
      ...profile.byOwner.map(
        (entry) => `| ${entry.owner} | ${seconds(entry.selfMs)} | ${entry.busyPercent.toFixed(1)} % |`,
      ),
    );
  }
  return lines.join('\n');
}

/** Each service's highest peak RSS over the full loads, bundled as deployed and under tsx, side by side. */
function serviceRssTable(report: BenchReport): string[] {
  const rss = report.summary.serviceRssMiB;
  if (!rss) return [];
  const names = [...new Set([...Object.keys(rss.bundled ?? {}), ...Object.keys(rss.tsx ?? {})])];
  const mib = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(1)} MiB`);
  return [
    '',
    `Peak RSS per service over the full loads (target ≤ ${mebibytes(peakRssTargetBytes)} as deployed, i.e. bundled):`,
    '',
    '| service | bundled (esbuild, node), as deployed | under tsx | tsx − bundled |',
    '| --- | ---: | ---: | ---: |',
    ...names.map((name) => {
      const bundled = rss.bundled?.[name];
      const tsx = rss.tsx?.[name];
      const gap = bundled === undefined || tsx === undefined ? undefined : tsx - bundled;
      return `| ${name} | ${mib(bundled)} | ${mib(tsx)} | ${mib(gap)} |`;
    }),
  ];
}

/** Each run's dashboard phase: the pages cold and warm, the named queries uncached, commit to screen. */
function dashboardTables(report: BenchReport): string[] {
  const ms = (n: number | null) => (n === null ? '—' : `${Math.round(n)} ms`);
  const times = (t: { p50Ms: number | null; p95Ms: number | null; maxMs: number | null; failed: number }) =>
    `${ms(t.p50Ms)} / ${ms(t.p95Ms)} / ${ms(t.maxMs)}${t.failed > 0 ? ` (${t.failed} failed)` : ''}`;
  return report.runs.flatMap((run) => {
    const phase = run.dashboard;
    if (!phase) return [];
    const screen = phase.commitToScreen;
    return [
      '',
      `Dashboard, run ${run.run}: server time over ${phase.requests} requests each (cold: the first request after every model's cache was invalidated; warm: cached):`,
      '',
      '| page | controls | cold p50 / p95 / max | warm p50 / p95 / max |',
      '| --- | --- | ---: | ---: |',
      ...phase.pages.map(
        (page) =>
          `| /${page.page} | ${page.query ? `\`${page.query}\`` : 'defaults'} | ${times(page.cold)} | ${times(page.warm)} |`,
      ),
      '',
      '| named query (default controls) | rows | uncached p50 / p95 / max |',
      '| --- | ---: | ---: |',
      ...phase.queries.map((query) => `| \`${query.name}\` | ${query.rows} | ${times(query.uncached)} |`),
      '',
      screen
        ? `Commit to screen (${screen.changes.length} commits, a ${screen.intervalMs} ms detection interval, the page polled every ${screen.pollMs} ms): p50 ${ms(screen.p50Ms)}, p95 ${ms(screen.p95Ms)}, max ${ms(screen.maxMs)}${screen.notVisible > 0 ? `, ${screen.notVisible} never shown` : ''}.`
        : `Commit to screen: ${phase.note}.`,
    ];
  });
}

/** The processes the runs measured, in the order of the first run. */
function processNames(report: BenchReport): string[] {
  return [
    ...new Set(report.runs.flatMap((run) => (run.fullLoad.processes ?? []).map((entry) => entry.name))),
  ];
}
