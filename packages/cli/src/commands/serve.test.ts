import { createLogger } from '@totes/runtime';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { untilStarted } from './serve';

// How `totes serve` waits for a platform that cannot be reached yet. The command's processes are tested end to end
// in test/serve.int.test.ts; the backoff is tested here, on a clock the test moves.

/** A logger whose lines the test reads, and the `retryInMs` of each "trying again" warning so far. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger({}, { write: (line) => lines.push(line), level: 'info' });
  const waits = () =>
    lines
      .map((line) => JSON.parse(line) as { message: string; retryInMs?: number })
      .map((entry) => entry.retryInMs);
  return { logger, waits };
}

/** A start that fails `failures` times, for a reason that may pass, then returns `'platform'`. */
function startFailing(failures: number) {
  const calls = { count: 0 };
  const start = async () => {
    calls.count += 1;
    if (calls.count <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    return 'platform';
  };
  return { start, calls };
}

const never = new Promise<void>(() => {});

describe('untilStarted', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tries a start that fails for a passing reason again after 1 s, then 2 s, and returns what it started', async () => {
    const { logger, waits } = recordingLogger();
    const { start, calls } = startFailing(2);

    const started = untilStarted(logger, never, () => false, start);
    await vi.advanceTimersByTimeAsync(2_999);
    const callsBeforeThirdTry = calls.count;
    await vi.advanceTimersByTimeAsync(1);

    expect(await started).toBe('platform');
    expect(callsBeforeThirdTry).toBe(2);
    expect(calls.count).toBe(3);
    expect(waits()).toEqual([1_000, 2_000]);
  });

  it('doubles the wait between tries up to 30 s, and no further', async () => {
    const { logger, waits } = recordingLogger();
    const { start } = startFailing(7);

    const started = untilStarted(logger, never, () => false, start);
    await vi.advanceTimersByTimeAsync(2 * 60_000);

    expect(await started).toBe('platform');
    expect(waits()).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('throws an error that retrying cannot help at once, without a second try', async () => {
    const { logger, waits } = recordingLogger();
    const permanent = Object.assign(new Error('the lake belongs to another platform instance'), {
      permanent: true,
    });
    const start = vi.fn(() => Promise.reject(permanent));

    await expect(untilStarted(logger, never, () => false, start)).rejects.toBe(permanent);
    expect(start).toHaveBeenCalledTimes(1);
    expect(waits()).toEqual([]);
  });

  it('stops waiting as soon as it is told to stop, and starts nothing', async () => {
    const { logger } = recordingLogger();
    const { start, calls } = startFailing(Number.POSITIVE_INFINITY);
    let stopping = false;
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = () => {
        stopping = true;
        resolve();
      };
    });

    const started = untilStarted(logger, stopped, () => stopping, start);
    await vi.advanceTimersByTimeAsync(0);
    stop();

    expect(await started).toBeUndefined();
    expect(calls.count).toBe(1);
  });
});
