import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The coverage gate of `npm test` (tools/coverage.mjs, used by tools/test.mjs): when it measures, and what it says.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const gate: typeof import('../../../tools/coverage.mjs') = await import(`${root}tools/coverage.mjs`);

/** A coverage-summary.json as vitest's json-summary reporter writes it, with `pct` per cent of lines covered. */
function summaryWithLines(pct: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'totes-coverage-')), 'coverage-summary.json');
  const figures = { total: 1000, covered: pct * 10, skipped: 0, pct };
  writeFileSync(file, JSON.stringify({ total: { lines: figures, statements: figures } }));
  return file;
}

describe('the coverage gate of npm test', () => {
  it('measures coverage on the full run and leaves a subset as asked, since a subset cannot reach the threshold', () => {
    expect(gate.vitestArguments([])).toEqual(['--coverage.enabled=true']);
    expect(gate.vitestArguments(['packages/model'])).toEqual(['packages/model']);
  });

  it('passes a run that covers the threshold, naming the figure', () => {
    const verdict = gate.coverageVerdict(summaryWithLines(gate.lineThreshold));

    expect(verdict).toEqual({
      ok: true,
      line: `coverage: ${gate.lineThreshold} % of lines, at least the ${gate.lineThreshold} % threshold`,
    });
  });

  it('fails a run under the threshold, in one line that says so', () => {
    const verdict = gate.coverageVerdict(summaryWithLines(gate.lineThreshold - 0.5));

    expect(verdict.ok).toBe(false);
    expect(verdict.line).toBe(
      `coverage: ${gate.lineThreshold - 0.5} % of lines, FAILED: under the ${gate.lineThreshold} % threshold`,
    );
  });

  it('fails a run that wrote no summary rather than passing it unmeasured', () => {
    const verdict = gate.coverageVerdict(join(tmpdir(), 'no-such-folder', 'coverage-summary.json'));

    expect(verdict).toEqual({ ok: false, line: 'coverage: vitest wrote no summary, see its output above' });
  });

  it('is what .ci/run runs: npm test with no vitest arguments', () => {
    const commands = readFileSync(`${root}.ci/run`, 'utf8')
      .split('\n')
      .filter(
        (line) =>
          line.trim() !== '' && !line.startsWith('#') && !line.startsWith('set ') && !line.startsWith('cd '),
      );

    expect(commands).toEqual(['npm test']);
  });
});
