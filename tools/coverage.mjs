// What `npm test` measures and enforces about coverage, in one place: read by vitest.config.ts (the threshold) and by
// tools/test.mjs (when to measure, and the closing line's verdict). Plain JavaScript, like the rest of tools/, because
// `npm test` runs it before the dependencies are installed.
import { readFileSync } from 'node:fs';

/** The share of lines (per cent) that the full suite must cover, over every package's `src/` and `infra/`. */
export const lineThreshold = 90;

/** Where vitest writes the coverage reports (git ignores it); `coverage-summary.json` is the one scripts read. */
export const reportsDirectory = 'coverage';

/**
 * vitest's arguments for `npm test -- <args>`. The full run (no arguments: `.ci/run` and the GitHub workflow) measures
 * coverage, which enforces the threshold; a subset never could reach it, so it runs as asked, without coverage.
 */
export function vitestArguments(args) {
  return args.length === 0 ? ['--coverage.enabled=true'] : args;
}

/** The coverage part of the closing line: the share of lines covered against the threshold, or why there is none. */
export function coverageVerdict(summaryFile) {
  let lines;
  try {
    lines = JSON.parse(readFileSync(summaryFile, 'utf8')).total.lines.pct;
  } catch {
    return { ok: false, line: 'coverage: vitest wrote no summary, see its output above' };
  }
  const ok = lines >= lineThreshold;
  const verdict = ok ? 'at least' : 'FAILED: under';
  return { ok, line: `coverage: ${lines} % of lines, ${verdict} the ${lineThreshold} % threshold` };
}
