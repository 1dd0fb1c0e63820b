import { describe, expect, it } from 'vitest';
import { pagesToTime, summariseTimes } from './dashboard-server-times';

describe('summariseTimes', () => {
  it('gives p50, p95 and max of the answered requests and counts the others as failed, outside the times', () => {
    const samples = [
      ...Array.from({ length: 19 }, (_, index) => ({ ms: index + 1, ok: true })),
      { ms: 500, ok: true },
      { ms: 2_000, ok: false },
    ];

    const summary = summariseTimes(samples);

    expect(summary).toEqual({ requests: 21, failed: 1, p50Ms: 10, p95Ms: 19, maxMs: 500 });
  });

  it('has no times when no request answered', () => {
    expect(summariseTimes([{ ms: 3, ok: false }])).toEqual({
      requests: 1,
      failed: 1,
      p50Ms: null,
      p95Ms: null,
      maxMs: null,
    });
  });
});

describe('pagesToTime', () => {
  it('times each star page with its defaults and two variants of the controls, and the health page once', () => {
    const pages = pagesToTime().map((page) => `${page.page}?${page.query}`);

    expect(pages).toHaveLength(10);
    expect(pages.filter((page) => page.startsWith('sales?'))).toEqual([
      'sales?',
      'sales?currency=GBP',
      'sales?from=2024-01-01&to=2024-06-30&grain=week&top=20',
    ]);
    expect(pages.at(-1)).toBe('health?');
  });
});
