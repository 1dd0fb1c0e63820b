import { aimedKillKinds, aimedKillSteps, allFaultKinds, type SoakSummary } from './types';

/** The summary `pnpm soak` prints: what was done, what failed and came back, and what verify said. */
export function formatSoakSummary(summary: SoakSummary): string {
  const faults = allFaultKinds
    .map((kind) => {
      const [injected, tookEffect] = [summary.faultsInjected[kind], summary.faultsTookEffect[kind]];
      return `${kind} ${injected}${tookEffect < injected ? ` (${tookEffect} took effect)` : ''}`;
    })
    .join(', ');
  const total = allFaultKinds.reduce((sum, kind) => sum + summary.faultsInjected[kind], 0);
  const effective = allFaultKinds.reduce((sum, kind) => sum + summary.faultsTookEffect[kind], 0);
  const perTable = (rows: Readonly<Record<string, number>>) =>
    Object.entries(rows)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([table, count]) => `${table} ${count}`)
      .join(', ') || 'none';
  const tables = perTable(summary.rowsWritten);
  return [
    `soak seed ${summary.seed}`,
    `  mutations applied    ${summary.mutationsApplied} (skipped ${summary.mutationsSkipped}); rows written: ${tables}`,
    `  rows deleted         ${perTable(summary.rowsDeleted)}`,
    `  faults injected      ${total}, ${effective} took effect: ${faults}`,
    `  aimed kills          ${aimedKills(summary)}; processes killed at a kill point ${summary.killPointExits}`,
    `  retries              ${summary.retries} (deferrals ${summary.deferrals}, service restarts after a crash ${summary.crashes})`,
    `  dead-lettered        ${summary.deadLettered}, replayed ${summary.replayed}, windows re-extracted ${summary.reExtracted}`,
    `  time to drain        ${summary.drainSeconds.toFixed(1)} s${summary.drained ? '' : ' (deadline passed before the pipeline drained)'}`,
    `  password in output   ${summary.secretLines} line(s), over every process of the run`,
    `  verify               ${summary.verified ? 'PASS' : 'FAIL'}`,
  ].join('\n');
}

/** Per step, the aimed kills that took effect of those armed: `after_lake_write 1 of 1, …`. */
function aimedKills(summary: SoakSummary): string {
  return aimedKillKinds
    .map(
      (kind) =>
        `${aimedKillSteps[kind]} ${summary.faultsTookEffect[kind]} of ${summary.faultsInjected[kind]}`,
    )
    .join(', ');
}

/**
 * The steps of a service's handling at which no aimed kill took effect: a soak asserts each of them at least
 * once, so any step listed fails the run.
 */
export function stepsNeverKilled(summary: SoakSummary): string[] {
  return aimedKillKinds
    .filter((kind) => summary.faultsTookEffect[kind] === 0)
    .map((kind) => aimedKillSteps[kind]);
}

/**
 * What does not add up in a summary: mutations lost from the count, dead letters left unreplayed, a drained run
 * that does not verify. Empty when the summary is consistent.
 */
export function summaryProblems(summary: SoakSummary, expected: { mutations: number; faults: number }) {
  const problems: string[] = [];
  if (summary.mutationsApplied + summary.mutationsSkipped !== expected.mutations)
    problems.push(
      `${summary.mutationsApplied} applied + ${summary.mutationsSkipped} skipped ≠ ${expected.mutations} mutations`,
    );
  const injected = allFaultKinds.reduce((sum, kind) => sum + summary.faultsInjected[kind], 0);
  if (injected !== expected.faults) problems.push(`${injected} faults injected ≠ ${expected.faults} planned`);
  if (summary.drained && summary.replayed !== summary.deadLettered)
    problems.push(`${summary.deadLettered} dead-lettered but ${summary.replayed} replayed`);
  if (summary.drained && !summary.verified) problems.push('the pipeline drained but verify failed');
  if (summary.secretLines > 0)
    problems.push(`the password appeared in ${summary.secretLines} output line(s)`);
  for (const step of stepsNeverKilled(summary)) problems.push(`no aimed kill took effect at ${step}`);
  return problems;
}
