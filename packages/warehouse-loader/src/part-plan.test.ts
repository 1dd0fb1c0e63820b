import { describe, expect, it } from 'vitest';
import { partChunks, runPool } from './part-plan';

const range = (length: number) => Array.from({ length }, (_, index) => index);

describe('partChunks', () => {
  it('gives each of the parallel transactions an equal contiguous share of a few parts', () => {
    expect(partChunks(range(5), 2, 8)).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it('caps a transaction at the parts per transaction, making more chunks than transactions at once', () => {
    const chunks = partChunks(range(160), 2, 8);

    expect(chunks).toHaveLength(20);
    expect(chunks.every((chunk) => chunk.length === 8)).toBe(true);
    expect(chunks.flat()).toEqual(range(160));
  });

  it('keeps only the pending parts, in order, and none when none is pending', () => {
    expect(partChunks([1, 4, 5, 9], 4, 8)).toEqual([[1], [4], [5], [9]]);
    expect(partChunks([], 2, 8)).toEqual([]);
  });
});

/** A task that resolves or fails when told to, recording whether it started. */
function gate() {
  let open: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

describe('runPool', () => {
  it('runs at most width items at once, starting the next as one finishes', async () => {
    const gates = range(4).map(gate);
    const started: number[] = [];
    const running = runPool(range(4), 2, (item) => {
      started.push(item);
      return gates[item]!.done;
    });
    await Promise.resolve();
    const first = [...started];
    gates[1]!.open();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const second = [...started];
    for (const each of gates) each.open();
    await running;

    expect(first).toEqual([0, 1]);
    expect(second).toEqual([0, 1, 2]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('starts nothing after a failure, lets the running items finish, then throws the failure', async () => {
    const gates = range(4).map(gate);
    const started: number[] = [];
    let finished = false;
    const running = runPool(range(4), 2, async (item) => {
      started.push(item);
      await gates[item]!.done;
      if (item === 1) finished = true;
    }).catch((error: unknown) => error);
    await Promise.resolve();
    gates[0]!.fail(new Error('part 0 failed'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const settledEarly = await Promise.race([running.then(() => true), Promise.resolve(false)]);
    gates[1]!.open();
    const error = await running;

    expect(settledEarly).toBe(false);
    expect(finished).toBe(true);
    expect(started).toEqual([0, 1]);
    expect(error).toEqual(new Error('part 0 failed'));
  });
});
