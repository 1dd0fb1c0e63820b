import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createChangeFeed } from './live/change-feed';
import { createPageRenderer } from './pages/pages';
import { createQueryCatalog } from './queries/catalog';
import { createQueryRunner } from './query-runner';

// A pool that is never connected: every request here is answered before any query would run.
const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
const catalog = createQueryCatalog({ warehouse: 'public', state: 'totes' });
const runner = createQueryRunner(pool);
const { app } = createApp({
  catalog,
  runner,
  feed: createChangeFeed(),
  pages: createPageRenderer({ catalog, runner, health: () => Promise.reject(new Error('no health here')) }),
  allowedHosts: () => ['127.0.0.1:4000', 'localhost:4000'],
});
const get = (path: string, host = '127.0.0.1:4000') => app.request(path, { headers: { host } });

afterAll(() => pool.end());

describe('the HTTP layer', () => {
  it('answers a bad date, currency or top N with a 400 that gives the reason, before any query runs', async () => {
    const date = await get('/sales?from=2024-13-01');
    const currency = await get('/panel/sales-top-designs?currency=pounds');
    const top = await get('/api/query/sales_top_designs?top=500');

    expect(date.status).toBe(400);
    expect(await date.text()).toBe('bad parameter: from: must be a day as YYYY-MM-DD (got "2024-13-01")');
    expect(currency.status).toBe(400);
    expect(await currency.text()).toContain('currency: must be a three-letter ISO 4217 code');
    expect(top.status).toBe(400);
    expect(await top.text()).toContain('top: must be a whole number from 1 to 50 (got "500")');
  });

  it('answers a query or a panel that is not in the catalog with a 404, whatever its name', async () => {
    const query = await get('/api/query/pg_sleep');
    const panel = await get('/panel/..%2F..%2Fetc');

    expect(query.status).toBe(404);
    expect(panel.status).toBe(404);
  });

  it('sends a Content-Security-Policy without inline scripts or styles, and the secure headers', async () => {
    const response = await get('/assets/live.js');
    const policy = response.headers.get('content-security-policy') ?? '';

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it("refuses a request for another host's name: a page elsewhere cannot reach it by rebinding DNS", async () => {
    const rebound = await get('/api/queries', 'evil.example:4000');
    const local = await get('/api/queries', 'localhost:4000');

    expect(rebound.status).toBe(421);
    expect(local.status).toBe(200);
  });

  it('lists every named query with its SQL and parameters', async () => {
    const queries = (await (await get('/api/queries')).json()) as { name: string; parameters: string[] }[];

    expect(queries.map((query) => query.name)).toContain('sales_top_designs');
    expect(queries.find((query) => query.name === 'sales_top_designs')?.parameters).toEqual([
      'from',
      'to',
      'currency',
      'top',
    ]);
  });
});
