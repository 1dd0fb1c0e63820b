import { describe, expect, it } from 'vitest';
import { createTransactionGate } from './transaction-gate';

/** A piece of work that stays under way until released, recording how many ran at once. */
function tracked() {
  let now = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const work = () =>
    new Promise<void>((resolve) => {
      now++;
      most = Math.max(most, now);
      releases.push(() => {
        now--;
        resolve();
      });
    });
  const releaseAll = () => {
    for (const release of releases.splice(0)) release();
  };
  return { work, releaseAll, most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createTransactionGate', () => {
  it('runs no more than its width at once, and every piece of work in the end', async () => {
    const gate = createTransactionGate(2);
    const { work, releaseAll, most } = tracked();
    const all = Promise.all(Array.from({ length: 5 }, () => gate.run(work)));
    for (let round = 0; round < 3; round++) {
      await settle();
      releaseAll();
    }
    await all;
    expect(most()).toBe(2);
  });

  it('frees the place of a piece of work that failed', async () => {
    const gate = createTransactionGate(1);
    await expect(gate.run(() => Promise.reject(new Error('copy failed')))).rejects.toThrow('copy failed');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
