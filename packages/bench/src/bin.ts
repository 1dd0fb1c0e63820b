import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors';
import { renderInboxMarkdown } from './inbox/render-inbox-markdown';
import { runInboxBench } from './inbox/run-inbox-bench';
import { benchUsage, parseBenchArgs } from './options';
import { renderReportMarkdown } from './render-markdown';
import { runBench } from './run-bench';
import { writeReport } from './write-report';

// As the totes command does (packages/cli/src/bin.ts): the AWS SDK's Node 22 notice is for SDK versions the
// catalog does not take. No client exists yet, and the processes this one starts inherit the setting.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `pnpm bench [options]`: see benchUsage.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const argv = process.argv.slice(2);
// Ctrl-C ends the platform process and lets the benchmark stop its PostgreSQL and remove its folders.
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')));
process.once('SIGTERM', () => interrupted.abort(new Error('terminated')));
try {
  const options = parseBenchArgs(argv, process.env);
  if (!options) {
    process.stdout.write(`${benchUsage}\n`);
  } else {
    const context = {
      repoRoot,
      command: ['pnpm bench', ...argv.filter((arg) => arg !== '--')].join(' '),
      log: (line: string) => process.stderr.write(`[bench] ${line}\n`),
      profileDir: join(repoRoot, '.totes', 'bench'),
      signal: interrupted.signal,
    };
    const report = options.inbox ? await runInboxBench(options, context) : await runBench(options, context);
    if (options.out)
      process.stderr.write(`[bench] report written to ${await writeReport(report, options.out)}\n`);
    process.stdout.write(
      `${'kind' in report ? renderInboxMarkdown(report) : renderReportMarkdown(report)}\n`,
    );
  }
} catch (error) {
  const message = interrupted.signal.aborted
    ? 'bench: stopped before the end; nothing was written'
    : error instanceof BenchError
      ? error.message
      : String((error as Error)?.stack ?? error);
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
