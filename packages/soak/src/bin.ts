import { SoakAbortedError, SoakOptionsError } from './errors';
import { parseSoakArgs, soakUsage } from './options';
import { runSoak } from './run-soak';
import { formatSoakSummary, stepsNeverKilled } from './summary';

// As the totes command does (packages/cli/src/bin.ts): the AWS SDK's Node 22 notice is for SDK versions the
// catalog does not take. No client exists yet, and the processes this one starts inherit the setting.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `pnpm soak …`: exit 0 when verify passes after the faults, no output line held the password and an aimed kill took
// effect at every step; 1 when not; 2 on a usage error.
try {
  const options = parseSoakArgs(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(soakUsage);
    process.exit(0);
  }
  // Ctrl-C, or a supervisor's SIGTERM, ends the run with every process and server it started stopped.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => stop.abort(new Error(signal)));
  const summary = await runSoak(options, undefined, stop.signal);
  if (!summary.verified) process.stdout.write(`${summary.verifyReport}\n`);
  process.stdout.write(`${formatSoakSummary(summary)}\n`);
  const neverKilled = stepsNeverKilled(summary);
  if (neverKilled.length > 0)
    process.stdout.write(`no aimed kill took effect at ${neverKilled.join(', ')}\n`);
  process.exit(summary.verified && summary.secretLines === 0 && neverKilled.length === 0 ? 0 : 1);
} catch (error) {
  process.stderr.write(
    `soak: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  if (error instanceof SoakOptionsError) process.stderr.write(`\n${soakUsage}`);
  process.exit(error instanceof SoakAbortedError ? 1 : 2);
}
