import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Dashboard } from '@totes/dashboard';
import { ServiceName } from '@totes/model';
import { applyTotesysMutation, MutationKind } from '@totes/totesys';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatformDashboard } from '../src/dashboard';
import { launchChromium } from './browser';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt } from './totes-command';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** What the tests' functions see inside the page (this project compiles without the DOM's types). */
interface InPage {
  loadedOnce?: boolean;
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

interface ChartOnPage {
  query: string;
  name: string;
  marks: number;
}

/** Every chart on the page: its query, its accessible name, and how many data marks it drew. */
function chartsOn(page: Page): Promise<ChartOnPage[]> {
  return page.$$eval('figure[data-query]', (figures) =>
    figures.map((figure) => {
      const mark = figure.getAttribute('data-mark');
      const svg = figure.querySelector('svg');
      return {
        query: figure.getAttribute('data-query') ?? '',
        name: svg?.getAttribute('aria-label') ?? '',
        marks:
          svg?.querySelectorAll(`g[aria-label="${mark}"] circle, g[aria-label="${mark}"] rect`).length ?? -1,
      };
    }),
  );
}

describe('the dashboard in a real browser', () => {
  let t: TestPlatform;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  let sqs: SQSClient;
  let sns: SNSClient;
  let detector: { stop(): Promise<void> } | undefined;

  const rowsOf = async (query: string, search: string) => {
    const response = await page.request.get(`${dashboard.url}api/query/${query}${search}`);
    return ((await response.json()) as { rows: Record<string, unknown>[] }).rows;
  };

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    await t.runOnce();
    const client = {
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    };
    sqs = new SQSClient(client);
    sns = new SNSClient(client);
    dashboard = await startPlatformDashboard({
      stage: t.config.stage,
      warehouseUrl: t.config.warehouseUrl,
      sourceUrl: t.config.sourceUrl,
      warehouseSchema: t.config.warehouseSchema,
      stateSchema: t.config.stateSchema,
      sqs,
      sns,
      topicArn: t.platform.endpoints.topics['load-complete'],
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await detector?.stop();
    await browser?.close();
    await dashboard?.stop();
    sqs?.destroy();
    sns?.destroy();
    await t?.dispose();
  });

  it('draws one mark per row of each chart’s query, under an accessible name, on every page', async () => {
    for (const path of ['sales', 'purchases', 'payments']) {
      await page.goto(`${dashboard.url}${path}`);
      const charts = await chartsOn(page);

      expect(charts.length, path).toBeGreaterThanOrEqual(3);
      for (const chart of charts) {
        const rows = await rowsOf(chart.query, '');
        expect(rows.length, chart.query).toBeGreaterThan(0);
        expect(chart.marks, chart.query).toBe(rows.length);
        expect(chart.name, chart.query).toMatch(/^.+: every currency, side by side, all time$/);
      }
    }
    await page.goto(`${dashboard.url}sales`);
    expect(await page.getAttribute('#panel-sales-top-designs svg', 'aria-label')).toBe(
      'Top designs by units sold: every currency, side by side, all time',
    );
  });

  it('shows one currency when the selector picks it, and narrows the charts to the date range', async () => {
    await page.goto(`${dashboard.url}sales`);
    const everyCurrency = await page.$$eval('#panel-sales-totals tbody tr', (rows) => rows.length);

    await Promise.all([page.waitForURL(/currency=GBP/), page.selectOption('select[name=currency]', 'GBP')]);
    const currencies = await page.$$eval('#panel-sales-totals tbody tr', (rows) =>
      rows.map((row) => row.getAttribute('data-currency')),
    );
    const gbpCharts = await chartsOn(page);
    await Promise.all([page.waitForURL(/from=2024-01-01/), page.fill('input[name=from]', '2024-01-01')]);
    await Promise.all([page.waitForURL(/to=2024-01-31/), page.fill('input[name=to]', '2024-01-31')]);
    const january = await chartsOn(page);
    const revenue = january.find((chart) => chart.query === 'sales_revenue_over_time');
    const januaryRows = await rowsOf(
      'sales_revenue_over_time',
      '?from=2024-01-01&to=2024-01-31&currency=GBP',
    );

    expect(everyCurrency).toBeGreaterThan(1);
    expect(currencies).toEqual(['GBP']);
    expect(gbpCharts.find((chart) => chart.query === 'sales_top_designs')?.name).toBe(
      'Top designs by units sold: GBP, all time',
    );
    expect(revenue?.name).toBe('Revenue over time: GBP, from 2024-01-01 to 2024-01-31');
    expect(revenue?.marks).toBe(januaryRows.length);
    expect(januaryRows.every((row) => row.period === '2024-01-01' && row.currency === 'GBP')).toBe(true);
  });

  describe('while the platform detects changes every second', () => {
    beforeAll(async () => {
      detector = t.platform.startDetector(1000);
      await page.goto(`${dashboard.url}sales`);
      await page.waitForSelector('body[data-live="connected"]');
      // Set once in this page; a reload would lose it.
      await page.evaluate(() => {
        (globalThis as unknown as InPage).loadedOnce = true;
      });
    });

    it('shows a design renamed in the source in the top-designs chart within 5 s, without a reload', async () => {
      const [top] = await rowsOf('sales_top_designs', '');
      const designId = Number(String(top?.design).split('#')[1]);

      await applyTotesysMutation(t.config.sourceUrl, {
        kind: MutationKind.designRenamed,
        designId,
        designName: 'Renamed Live',
      });
      await page.waitForFunction(
        (label) =>
          (globalThis as unknown as InPage).document
            .querySelector('#panel-sales-top-designs svg')
            ?.textContent?.includes(label),
        `Renamed Live #${designId}`,
        { timeout: 5_000 },
      );

      expect(await page.evaluate(() => (globalThis as unknown as InPage).loadedOnce)).toBe(true);
    });

    it('moves the revenue total when a new sales order is made in the source, within 5 s, without a reload', async () => {
      const cell = '#panel-sales-totals tr[data-currency="GBP"] td[data-key="revenue"]';
      const before = await page.textContent(cell);

      await applyTotesysMutation(t.config.sourceUrl, {
        kind: MutationKind.salesOrderCreated,
        values: { currencyId: 1, unitsSold: 1000, unitPrice: '12.34' },
      });
      await page.waitForFunction(
        ([selector, old]) =>
          (globalThis as unknown as InPage).document.querySelector(selector as string)?.textContent !== old,
        [cell, before],
        { timeout: 5_000 },
      );

      expect(await page.evaluate(() => (globalThis as unknown as InPage).loadedOnce)).toBe(true);
      expect(await page.textContent(cell)).not.toBe(before);
    });
  });

  it('is served alone by `totes dashboard` for the platform running on this machine, until Ctrl-C', async () => {
    const undo = await pointTotesAt(t);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of [
      'TOTES_WAREHOUSE_URL',
      'TOTES_SOURCE_URL',
      'AWS_ENDPOINT_URL',
      'TOTES_DASHBOARD_PORT',
    ])
      delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'dashboard'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let said = '';
      child.stderr?.on('data', (chunk) => {
        said += String(chunk);
      });
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address within 40 s:\n${said}`)), 40_000);
        child.once('exit', (code) => reject(new Error(`totes dashboard ended (${code}):\n${said}`)));
        child.stderr?.on('data', () => {
          const found = /dashboard of stage \S+: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(said)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const sales = await fetch(`${address}sales`);

      expect(sales.status).toBe(200);
      expect(await sales.text()).toContain('<h1>Sales</h1>');
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await undo();
    }
  });

  it('shows a dead-lettered message on the open health page, with the command that shows it', async () => {
    await page.goto(`${dashboard.url}health`);
    await page.waitForSelector('body[data-live="connected"]');
    const loader = Object.values(t.platform.endpoints.queues).find(
      (queue) => queue.spec.consumer === ServiceName.warehouseLoader,
    );

    // A body that is not JSON is dead-lettered at once.
    await sqs.send(new SendMessageCommand({ QueueUrl: loader?.url, MessageBody: 'not json' }));
    const row = page.locator('#panel-health-queues tr[data-queue="warehouse-loader"]');
    await row.locator('td[data-dead-letters="1"]').waitFor({ timeout: 20_000 });

    expect(await row.locator('code.command').textContent()).toBe(
      `pnpm totes dlq show warehouse-loader-dlq --stage ${t.config.stage}`,
    );
    expect(await page.textContent('#panel-health-alerts')).toContain(
      'warehouse-loader-dlq holds 1 message(s)',
    );
  });
});
