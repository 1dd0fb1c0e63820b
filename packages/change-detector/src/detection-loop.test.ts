import { describe, expect, it } from 'vitest';
import { runDetectionLoop, whenLockFree } from './detection-loop';

// A Lambda invocation on a fake clock: `remainingMs` counts down from the timeout as cycles run and the loop sleeps.
function invocation(timeoutMs: number, cycleMs: (index: number) => number) {
  let clock = 0;
  const starts: number[] = [];
  return {
    starts,
    remainingMs: () => timeoutMs - clock,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
    cycle: async () => {
      starts.push(clock);
      clock += cycleMs(starts.length - 1);
      return starts.length;
    },
  };
}

describe('runDetectionLoop', () => {
  it('starts a cycle every interval and stops before the invocation would time out', async () => {
    const run = invocation(60_000, () => 300);

    const results = await runDetectionLoop({ ...run, intervalMs: 1000, reserveMs: 2000 });

    expect(run.starts.slice(0, 3)).toEqual([0, 1000, 2000]);
    // The last cycle starts while its 300 ms and the 2 s reserve still fit in the minute.
    expect(run.starts.at(-1)).toBe(57_000);
    expect(results).toHaveLength(58);
    expect(60_000 - (run.starts.at(-1)! + 300)).toBeGreaterThanOrEqual(2000);
  });

  it('starts the next cycle at once when a cycle takes longer than the interval', async () => {
    const run = invocation(10_000, (index) => (index === 0 ? 2500 : 100));

    await runDetectionLoop({ ...run, intervalMs: 1000, reserveMs: 0 });

    expect(run.starts.slice(0, 3)).toEqual([0, 2500, 3500]);
  });

  it('keeps room for the longest cycle seen, not only the last', async () => {
    const run = invocation(10_000, (index) => (index === 0 ? 4000 : 100));

    await runDetectionLoop({ ...run, intervalMs: 1000, reserveMs: 1000 });

    // After a 4 s cycle, one starts only while 4 s + 1 s remain after the wait.
    expect(run.starts).toEqual([0, 4000, 5000]);
  });

  it('runs one cycle when the invocation has no time for a second', async () => {
    const run = invocation(3000, () => 500);

    const results = await runDetectionLoop({ ...run, intervalMs: 1000, reserveMs: 2000 });

    expect(results).toEqual([1]);
  });

  it('ends with the error of a failed cycle, running no more', async () => {
    const run = invocation(60_000, () => 100);
    let calls = 0;
    const cycle = async () => {
      calls++;
      if (calls === 3) throw new Error('state database unreachable');
      return run.cycle();
    };

    const loop = runDetectionLoop({ ...run, cycle, intervalMs: 1000 });

    await expect(loop).rejects.toThrow('state database unreachable');
    expect(calls).toBe(3);
  });
});

describe('whenLockFree', () => {
  it('takes the lock as soon as the invocation before lets go of it', async () => {
    const run = invocation(60_000, () => 0);
    const tries: number[] = [];
    const tryLock = async () => {
      tries.push(run.now());
      return run.now() >= 2500 ? { acquired: true as const, value: 'cycles' } : { acquired: false as const };
    };

    const outcome = await whenLockFree(tryLock, { ...run, intervalMs: 1000, reserveMs: 2000 });

    expect(outcome).toEqual({ acquired: true, value: 'cycles' });
    expect(tries).toEqual([0, 1000, 2000, 3000]);
  });

  it('gives up when no cycle could follow, reporting the lock held', async () => {
    const run = invocation(5000, () => 0);
    let tries = 0;

    const outcome = await whenLockFree(
      async () => {
        tries++;
        return { acquired: false as const };
      },
      { ...run, intervalMs: 1000, reserveMs: 2000 },
    );

    expect(outcome).toEqual({ acquired: false });
    // At 0, 1, 2 and 3 s; after the last, another second's wait would leave less than the reserve.
    expect(tries).toBe(4);
  });
});
