import { describe, expect, it, onTestFailed } from 'vitest';
import { defaultFaultDurations } from '../src/fault-plan';
import { runSoak } from '../src/run-soak';
import { summaryProblems } from '../src/summary';
import { aimedKillKinds, allFaultKinds } from '../src/types';

describe('pnpm soak, small', () => {
  it('loses and doubles nothing through 30 mutations while every fault kind fires at least once', async ({
    signal,
  }) => {
    const log: string[] = [];
    // A run stopped by the time limit has no summary to fail on: its log says where it was.
    onTestFailed(() => {
      process.stderr.write(`the soak's last log lines:\n${log.slice(-80).join('\n')}\n`);
    });
    const options = {
      mutations: 30,
      seed: 4,
      // Room for the three processes that the aimed kills restart, besides the kill_service one, and for a fact
      // deferred up the backoff ladder (2 to 32 s) while the rest of the suite shares the two cores: alone it drains
      // in under a minute, and a run that drains returns as soon as it has.
      deadlineSeconds: 300,
      faults: 0,
      force: allFaultKinds,
      kinds: allFaultKinds,
      steps: 4,
      stepMs: 1200,
      scale: 0.01,
      // Shorter than the 30 s `pnpm soak` uses, to keep the test brief; the behaviour is the same.
      durations: {
        ...defaultFaultDurations,
        warehouse_outage: 5_000,
        hold_service: 4_000,
        lake_unwritable: 4_000,
      },
    };

    // Past the test's limit the signal aborts the run, which still stops the six processes it started.
    const summary = await runSoak(options, (line) => log.push(line), signal);

    const context = `${summary.verifyReport}\n${log.join('\n')}`;
    expect(summary.verified, context).toBe(true);
    expect(summary.drained, context).toBe(true);
    expect(summaryProblems(summary, { mutations: 30, faults: allFaultKinds.length })).toEqual([]);
    for (const kind of allFaultKinds) expect(summary.faultsInjected[kind], kind).toBeGreaterThanOrEqual(1);
    // No output line of any of the six processes, through every fault, held the configured password.
    expect(summary.secretLines, context).toBe(0);
    // A raw part was truncated, and nothing was lost (verify, above). A builder that meets it dead-letters the
    // message and the drain re-extracts the window; but a retried extraction of the same window (an aimed kill after
    // the lake write) can rewrite the part first, so the dead letter is not asserted here: the corrupt-part path is
    // asserted on its own in bad-input.int.test.ts, worker.test.ts and parquet-codec.test.ts.
    expect(summary.faultsTookEffect.truncate_lake_object).toBe(1);
    expect(summary.deadLettered).toBe(summary.replayed);
    expect(Object.keys(summary.rowsWritten)).toHaveLength(11);
    // A service was killed while it held a batch at every step of its handling, and was started again.
    for (const kind of aimedKillKinds) expect(summary.faultsTookEffect[kind], kind).toBe(1);
    expect(summary.killPointExits).toBe(aimedKillKinds.length);
    // Past the deadline, verify and the stop of six processes still run: the test's own limit leaves them room, so a
    // run that does not drain fails on its assertions, with the log, rather than on a timeout.
  }, 480_000);
});
