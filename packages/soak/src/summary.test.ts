import { describe, expect, it } from 'vitest';
import { countByKind } from './fault-plan';
import { formatSoakSummary, stepsNeverKilled, summaryProblems } from './summary';
import { FaultKind, type SoakSummary } from './types';

const summary: SoakSummary = {
  seed: 1,
  mutationsApplied: 29,
  mutationsSkipped: 1,
  rowsWritten: { sales_order: 10, payment: 20 },
  rowsDeleted: { payment: 2 },
  faultsInjected: countByKind([
    { kind: FaultKind.killService },
    { kind: FaultKind.warehouseOutage },
    { kind: FaultKind.truncateLakeObject },
    { kind: FaultKind.killAfterLakeWrite },
    { kind: FaultKind.killBeforeCommit },
    { kind: FaultKind.killBeforeDelete },
    { kind: FaultKind.killBeforeDelete },
  ]),
  faultsTookEffect: countByKind([
    { kind: FaultKind.killService },
    { kind: FaultKind.warehouseOutage },
    { kind: FaultKind.killAfterLakeWrite },
    { kind: FaultKind.killBeforeCommit },
    { kind: FaultKind.killBeforeDelete },
  ]),
  retries: 7,
  deferrals: 2,
  crashes: 1,
  deadLettered: 3,
  replayed: 3,
  reExtracted: 1,
  drainSeconds: 12.34,
  drained: true,
  verified: true,
  verifyReport: '',
  secretLines: 0,
  killPointExits: 3,
};

describe('formatSoakSummary', () => {
  it('prints mutations, faults by kind, retries, dead letters, the password scan, drain time and the verdict', () => {
    const text = formatSoakSummary(summary);

    expect(text).toContain('mutations applied    29 (skipped 1)');
    expect(text).toContain('faults injected      7, 5 took effect: kill_service 1,');
    expect(text).toContain('warehouse_outage 1,');
    expect(text).toContain('password in output   0 line(s)');
    expect(text).toContain('retries              7');
    expect(text).toContain('dead-lettered        3, replayed 3, windows re-extracted 1');
    expect(text).toContain('time to drain        12.3 s');
    expect(text).toContain('verify               PASS');
  });

  it('prints, per step, the aimed kills that took effect of those armed', () => {
    expect(formatSoakSummary(summary)).toContain(
      'aimed kills          after_lake_write 1 of 1, before_commit 1 of 1, before_delete 1 of 2; processes killed at a kill point 3',
    );
  });

  it('says which faults found nothing to act on', () => {
    expect(formatSoakSummary(summary)).toContain('truncate_lake_object 1 (0 took effect)');
  });
});

describe('summaryProblems', () => {
  it('finds nothing wrong with a consistent summary', () => {
    expect(summaryProblems(summary, { mutations: 30, faults: 7 })).toEqual([]);
  });

  it('reports lost mutations, missing faults, unreplayed dead letters, a failed verify and a leaked password', () => {
    const broken = { ...summary, mutationsSkipped: 0, replayed: 2, verified: false, secretLines: 2 };

    const problems = summaryProblems(broken, { mutations: 30, faults: 8 });

    expect(problems).toHaveLength(5);
    expect(problems).toContain('the password appeared in 2 output line(s)');
  });

  it('fails a run in which an aimed step never killed a service', () => {
    const missed = {
      ...summary,
      faultsTookEffect: { ...summary.faultsTookEffect, [FaultKind.killBeforeCommit]: 0 },
    };

    expect(stepsNeverKilled(missed)).toEqual(['before_commit']);
    expect(summaryProblems(missed, { mutations: 30, faults: 7 })).toEqual([
      'no aimed kill took effect at before_commit',
    ]);
  });
});
