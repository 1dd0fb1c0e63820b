import { describe, expect, it } from 'vitest';
import { createHealthCache } from './health-cache';
import type { HealthReport } from './types';

const report = (deadLetters: number): HealthReport => ({
  stage: 'test',
  alerts: deadLetters > 0 ? [`warehouse-loader-dlq holds ${deadLetters} message(s) (threshold 0)`] : [],
  tables: null,
  models: null,
  queues: [{ queue: 'warehouse-loader', depth: 0, deadLetterQueue: 'warehouse-loader-dlq', deadLetters }],
});

describe('the health report cache', () => {
  it('reads once for many panels, until invalidated', async () => {
    let reads = 0;
    const cache = createHealthCache({ read: async () => report(reads++) }, { maxAgeMs: 60_000 });

    await Promise.all([cache.read(), cache.read(), cache.read()]);
    cache.invalidate();
    const again = await cache.read();

    expect(reads).toBe(2);
    expect(again.queues?.[0]?.deadLetters).toBe(1);
  });

  it('says when a read finds the dead letters or alerts moved since the read before, whoever read it', async () => {
    const deadLetters = [0, 0, 1, 1];
    let changes = 0;
    const cache = createHealthCache(
      { read: async () => report(deadLetters.shift() ?? 1) },
      { maxAgeMs: 0, onChange: () => changes++ },
    );

    const seen: number[] = [];
    for (let read = 0; read < 4; read++) {
      cache.invalidate();
      await cache.read();
      seen.push(changes);
    }

    expect(seen).toEqual([0, 0, 1, 1]);
  });
});
