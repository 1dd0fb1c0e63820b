// `npm test`: installs what is missing (the pinned pnpm, the locked dependencies, Debian's chromium for the browser
// tests), then lints, typechecks and runs every test, and ends with one line that counts them (`N passed, N failed,
// N skipped`). Arguments after `npm test --` go to vitest. The full run (no arguments) also measures coverage and fails
// under the threshold of tools/coverage.mjs, saying so in the line before the last.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './chromium.mjs';
import { coverageVerdict, reportsDirectory, vitestArguments } from './coverage.mjs';
import { ensureInstalled, root } from './setup.mjs';

const pnpm = ensureInstalled();
ensureChromium();
const requested = process.argv.slice(2);
const vitestArgs = vitestArguments(requested);
const measuresCoverage = requested.length === 0;

// Lint and types first: they take seconds, the suite minutes.
for (const script of ['lint', 'typecheck']) {
  const status = step(pnpm, ['run', script]);
  if (status !== 0) process.exit(status);
}

const reportFolder = mkdtempSync(join(tmpdir(), 'totes-test-'));
const coverageSummary = join(root, reportsDirectory, 'coverage-summary.json');
rmSync(coverageSummary, { force: true }); // a summary left by an earlier run must not pass for this one's
const report = join(reportFolder, 'vitest.json');
const status = step(pnpm, [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...vitestArgs,
]);
// vitest already exits non-zero under the threshold; the verdict names the figure, and fails a run that wrote no
// summary. It comes before the counts, which stay the last line.
const coverage = measuresCoverage ? coverageVerdict(coverageSummary) : undefined;
if (coverage) console.log(coverage.line);
console.log(closingLine(report));
rmSync(reportFolder, { recursive: true, force: true });
process.exit(status === 0 && coverage?.ok === false ? 1 : status);

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

/** The plain closing line CI reads: the counts from vitest's JSON report, or why there are none. */
function closingLine(file) {
  try {
    const counts = JSON.parse(readFileSync(file, 'utf8'));
    return `${counts.numPassedTests} passed, ${counts.numFailedTests} failed, ${counts.numPendingTests} skipped`;
  } catch {
    return 'vitest wrote no report: see its output above';
  }
}
