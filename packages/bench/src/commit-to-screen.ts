import { existsSync } from 'node:fs';
import { applyTotesysMutation, createRandom, MutationKind } from '@totes/totesys';
import { chromium, errors, type Page } from 'playwright-core';
import { latencySummary } from './statistics';

/** Debian's chromium, as the browser tests use it; TOTES_CHROMIUM names another. */
export function chromiumPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.TOTES_CHROMIUM ?? '/usr/bin/chromium';
}

/** One source commit, timed until its change was on the open page. */
export interface ScreenChange {
  readonly kind: string;
  /** From the return of its COMMIT to the first poll of the page that shows it; null when it never did. */
  readonly latencyMs: number | null;
}

/** The commit-to-screen measure: changes made while a sales page is open in Chromium. */
export interface CommitToScreen {
  readonly intervalMs: number;
  /** How often the page was looked at for each change: the resolution of the latencies. */
  readonly pollMs: number;
  readonly changes: readonly ScreenChange[];
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  readonly notVisible: number;
}

/** What the page must show once a change is on it, read before the commit. */
type Expectation = { selector: string; contains: string } | { selector: string; differsFrom: string | null };

const topDesigns = '#panel-sales-top-designs svg';
const gbpRevenue = '#panel-sales-totals tr[data-currency="GBP"] td[data-key="revenue"]';

/**
 * Opens the sales page in headless Chromium and waits until its live stream is connected; then makes `changes`
 * source commits in turn (the top design renamed, a GBP sales order made), each after a random pause within one
 * detection interval, and times each from the return of its COMMIT to the first 20 ms poll of the page that shows
 * it (in the top-designs chart, or in the GBP revenue total), with no reload. Null when Chromium is not installed.
 */
export async function measureCommitToScreen(options: {
  dashboardUrl: string;
  sourceUrl: string;
  changes: number;
  intervalMs: number;
  seed: number;
  changeTimeoutMs: number;
  executablePath?: string;
}): Promise<CommitToScreen | null> {
  const executablePath = options.executablePath ?? chromiumPath();
  if (!existsSync(executablePath)) return null;
  const pollMs = 20;
  // As root, Chromium refuses to start sandboxed; the only page it opens is the dashboard's own.
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const timed: ScreenChange[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${options.dashboardUrl}sales`);
    await page.waitForSelector('body[data-live="connected"]');
    const pauses = createRandom(options.seed, 'bench:dashboard-pauses');
    for (let index = 0; index < options.changes; index++) {
      await new Promise((resolve) => setTimeout(resolve, pauses.int(0, options.intervalMs - 1)));
      const kind = index % 2 === 0 ? MutationKind.designRenamed : MutationKind.salesOrderCreated;
      const expected = await commit(kind, index, page, options);
      const committedAt = performance.now();
      const shownAt = await shown(page, expected, { pollMs, timeoutMs: options.changeTimeoutMs });
      timed.push({ kind, latencyMs: shownAt === null ? null : shownAt - committedAt });
    }
  } finally {
    await browser.close();
  }
  return { intervalMs: options.intervalMs, pollMs, ...latencySummary(timed) };
}

/** Makes one change in the source and says what the page will show once it is loaded. */
async function commit(
  kind: MutationKind,
  index: number,
  page: Page,
  options: { dashboardUrl: string; sourceUrl: string },
): Promise<Expectation> {
  if (kind === MutationKind.designRenamed) {
    const designId = await topDesignId(page, options.dashboardUrl);
    const designName = `Bench rename ${index + 1}`;
    await applyTotesysMutation(options.sourceUrl, { kind, designId, designName });
    return { selector: topDesigns, contains: `${designName} #${designId}` };
  }
  const before = await page.textContent(gbpRevenue);
  await applyTotesysMutation(options.sourceUrl, {
    kind: MutationKind.salesOrderCreated,
    values: { currencyId: 1, unitsSold: 100 + index, unitPrice: '12.34' },
  });
  return { selector: gbpRevenue, differsFrom: before };
}

/**
 * The design at the top of the page's top-designs chart, as its query returns it; when that query fails (at scale 100
 * an uncached one can pass the dashboard's 2 s statement timeout), the first design the chart draws. Design 1 when
 * neither answers: the change is then timed until the bound and counted as not shown.
 */
async function topDesignId(page: Page, dashboardUrl: string): Promise<number> {
  const response = await page.request.get(`${dashboardUrl}api/query/sales_top_designs`);
  if (response.ok()) {
    const [top] = ((await response.json()) as { rows: { design: string }[] }).rows;
    const id = Number(String(top?.design).split('#').at(-1));
    if (Number.isInteger(id) && id > 0) return id;
  }
  const drawn = (await page.textContent(topDesigns)) ?? '';
  const id = Number(/#(\d+)/.exec(drawn)?.[1]);
  return Number.isInteger(id) && id > 0 ? id : 1;
}

/** When the page first showed the change (performance.now() of this process), or null past the bound. */
async function shown(
  page: Page,
  expected: Expectation,
  bounds: { pollMs: number; timeoutMs: number },
): Promise<number | null> {
  try {
    await page.waitForFunction(
      (expectation) => {
        // The page's own document (this project compiles without the DOM's types).
        const text = (
          globalThis as unknown as {
            document: { querySelector(selector: string): { textContent: string | null } | null };
          }
        ).document.querySelector(expectation.selector)?.textContent;
        if (text === undefined || text === null) return false;
        return 'contains' in expectation
          ? text.includes(expectation.contains)
          : text !== expectation.differsFrom;
      },
      expected,
      { polling: bounds.pollMs, timeout: bounds.timeoutMs },
    );
    return performance.now();
  } catch (error) {
    if (error instanceof errors.TimeoutError) return null;
    throw error;
  }
}
