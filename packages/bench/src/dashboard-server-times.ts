import type { DashboardInvalidator } from './dashboard-invalidation';
import { BenchError, BenchErrorCode } from './errors';
import { percentile } from './statistics';

/** p50, p95 and max of one measure's times (ms), over the requests that answered 2xx; null for none. */
export interface TimeSummary {
  readonly requests: number;
  /** Requests that did not answer 2xx (a query past the 2 s statement timeout answers 503): not in the times. */
  readonly failed: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

/** A page with one set of controls, timed cold (first request after an invalidation) and warm (cached). */
export interface PageTimes {
  readonly page: string;
  /** The controls, as the page's query string ('' for the defaults). */
  readonly query: string;
  readonly cold: TimeSummary;
  readonly warm: TimeSummary;
}

/** One named query (`/api/query/<name>`, default controls), timed uncached: first request after an invalidation. */
export interface QueryTimes {
  readonly name: string;
  /** The rows it returned (the last time). */
  readonly rows: number;
  readonly uncached: TimeSummary;
}

/** The star pages' controls measured besides the defaults: one currency; a half-year by week with a top 20. */
export const pageVariants: readonly string[] = [
  '',
  'currency=GBP',
  'from=2024-01-01&to=2024-06-30&grain=week&top=20',
];

/** The pages timed: each star page with every variant, and the health page (it has no controls). */
export function pagesToTime(): { page: string; query: string }[] {
  return [
    ...['sales', 'purchases', 'payments'].flatMap((page) => pageVariants.map((query) => ({ page, query }))),
    { page: 'health', query: '' },
  ];
}

/** One request's time to the last byte of its body, and whether it answered 2xx. */
async function timeRequest(url: string): Promise<{ ms: number; ok: boolean; body: string }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { ms: performance.now() - started, ok: response.ok, body };
}

/** Summarises the timed requests. */
export function summariseTimes(samples: readonly { ms: number; ok: boolean }[]): TimeSummary {
  const times = samples.filter((sample) => sample.ok).map((sample) => sample.ms);
  return {
    requests: samples.length,
    failed: samples.length - times.length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    maxMs: times.length === 0 ? null : Math.max(...times),
  };
}

/**
 * Times every page `requests` times cold, each round after one invalidation of every model (each page's first
 * request of the round is cold: no two pages or variants share a cached result but the currencies), then
 * `requests` times warm, one after the other.
 */
export async function timePages(
  dashboardUrl: string,
  invalidator: DashboardInvalidator,
  requests: number,
): Promise<PageTimes[]> {
  const pages = pagesToTime();
  const cold = pages.map(() => [] as { ms: number; ok: boolean }[]);
  for (let round = 0; round < requests; round++) {
    await invalidator.invalidateAll();
    for (const [index, page] of pages.entries())
      cold[index]?.push(await timeRequest(pageUrl(dashboardUrl, page)));
  }
  const times: PageTimes[] = [];
  for (const [index, page] of pages.entries()) {
    const warm: { ms: number; ok: boolean }[] = [];
    for (let round = 0; round < requests; round++) warm.push(await timeRequest(pageUrl(dashboardUrl, page)));
    times.push({ ...page, cold: summariseTimes(cold[index] ?? []), warm: summariseTimes(warm) });
  }
  return times;
}

/** Times every named query the dashboard lists `requests` times uncached, each round after one invalidation. */
export async function timeQueries(
  dashboardUrl: string,
  invalidator: DashboardInvalidator,
  requests: number,
): Promise<QueryTimes[]> {
  const listed = await fetch(`${dashboardUrl}api/queries`);
  if (!listed.ok)
    throw new BenchError(
      BenchErrorCode.dashboardFailed,
      `the dashboard's /api/queries answered ${listed.status}`,
    );
  const names = ((await listed.json()) as { name: string }[]).map((query) => query.name);
  const samples = names.map(() => [] as { ms: number; ok: boolean }[]);
  const rows = names.map(() => 0);
  for (let round = 0; round < requests; round++) {
    await invalidator.invalidateAll();
    for (const [index, name] of names.entries()) {
      const timed = await timeRequest(`${dashboardUrl}api/query/${name}`);
      samples[index]?.push(timed);
      if (timed.ok) rows[index] = (JSON.parse(timed.body) as { rows: unknown[] }).rows.length;
    }
  }
  return names.map((name, index) => ({
    name,
    rows: rows[index] ?? 0,
    uncached: summariseTimes(samples[index] ?? []),
  }));
}

function pageUrl(dashboardUrl: string, page: { page: string; query: string }): string {
  return `${dashboardUrl}${page.page}${page.query ? `?${page.query}` : ''}`;
}
