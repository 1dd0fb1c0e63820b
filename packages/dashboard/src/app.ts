import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { BadParameterError, UnknownQueryError } from './errors';
import type { ChangeFeed } from './live/change-feed';
import type { PageRenderer } from './pages/pages';
import { parseParams } from './params';
import type { QueryCatalog } from './queries/catalog';
import type { QueryRunner } from './query-runner';
import { PageName } from './types';

/** What the HTTP layer serves from. */
export interface AppParts {
  readonly catalog: QueryCatalog;
  readonly runner: QueryRunner;
  readonly pages: PageRenderer;
  readonly feed: ChangeFeed;
  /** The `Host` headers a request may carry (`127.0.0.1:<port>`, `localhost:<port>`); any when unset. */
  readonly allowedHosts?: () => readonly string[];
  readonly onError?: (error: Error) => void;
}

/** The dashboard's routes, and the means to end the live streams it holds open. */
export interface DashboardApp {
  readonly app: Hono;
  /** Ends every open Server-Sent Events stream, so the server can close. */
  closeStreams(): void;
}

const assets = {
  'dashboard.css': { type: 'text/css; charset=utf-8', body: readAsset('dashboard.css') },
  'live.js': { type: 'text/javascript; charset=utf-8', body: readAsset('live.js') },
} as const;

/**
 * A strict policy: scripts and styles only from the dashboard itself (no inline ones: Plot's inline styles are
 * removed, its rules moved into dashboard.css), images from itself or data URLs, connections to itself only.
 */
const contentSecurityPolicy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

const pageNames = new Set<string>([PageName.sales, PageName.purchases, PageName.payments, PageName.health]);

/** Builds the dashboard's routes over its parts. Every query parameter is checked before anything is read. */
export function createApp(parts: AppParts): DashboardApp {
  const app = new Hono();
  const streams = new Set<SSEStreamingApi>();
  app.use(secureHeaders({ contentSecurityPolicy, strictTransportSecurity: false }));
  app.use(async (c, next) => {
    // Only this machine's names for the dashboard: a page of another site cannot reach it by rebinding DNS.
    const allowed = parts.allowedHosts?.();
    if (allowed && !allowed.includes(c.req.header('host') ?? '')) return c.text('unknown host', 421);
    await next();
  });
  app.get('/', (c) => c.redirect(`/${PageName.sales}`));
  app.get('/assets/:file', (c) => {
    const asset = assets[c.req.param('file') as keyof typeof assets];
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });
  app.get('/api/queries', (c) =>
    c.json(
      parts.catalog.all.map((query) => ({
        name: query.name,
        title: query.title,
        sql: query.sql.text,
        parameters: query.sql.params,
        dependsOn: query.dependsOn,
      })),
    ),
  );
  app.get('/api/query/:name', async (c) => {
    const query = parts.catalog.get(c.req.param('name'));
    const params = parseParams(new URL(c.req.url).searchParams);
    const result = await parts.runner.run(query, params);
    return c.json({
      query: query.name,
      title: query.title,
      sql: query.sql.text,
      parameters: Object.fromEntries(query.sql.params.map((name, index) => [name, result.values[index]])),
      rows: result.rows,
    });
  });
  app.get('/panel/:id', async (c) => {
    const params = parseParams(new URL(c.req.url).searchParams);
    return c.html((await parts.pages.panel(c.req.param('id'), params)).text);
  });
  app.get('/events', (c) => {
    const page = c.req.query('page');
    if (page !== undefined && !pageNames.has(page)) throw new BadParameterError([`page: no page "${page}"`]);
    return streamSSE(c, async (stream) => {
      streams.add(stream);
      const unsubscribe = parts.feed.subscribe(
        (keys) => {
          stream.writeSSE({ event: 'changed', data: JSON.stringify({ keys }) }).catch(() => {});
        },
        { watchesHealth: page === PageName.health },
      );
      stream.onAbort(() => {
        unsubscribe();
        streams.delete(stream);
      });
      await stream.writeSSE({ event: 'ready', data: '{}', retry: 1000 });
      // A comment now and then keeps proxies and the browser from closing an idle stream.
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(15_000);
        await stream.write(': keep-alive\n\n').catch(() => {});
      }
    });
  });
  app.get('/:page', async (c) => {
    const page = c.req.param('page');
    if (!pageNames.has(page)) return c.notFound();
    const params = parseParams(new URL(c.req.url).searchParams);
    return c.html((await parts.pages.page(page as PageName, params)).text);
  });
  app.notFound((c) => c.text('not found', 404));
  app.onError((error, c) => {
    if (error instanceof BadParameterError) return c.text(`bad parameter: ${error.message}`, 400);
    if (error instanceof UnknownQueryError) return c.text(error.message, 404);
    // PostgreSQL's query_canceled: the statement ran past the dashboard's timeout.
    if ((error as { code?: string }).code === '57014')
      return c.text('the query ran longer than the 2 s allowed: try a narrower date range', 503);
    parts.onError?.(error);
    return c.text('the dashboard could not answer: see its log', 500);
  });
  return {
    app,
    closeStreams: () => {
      for (const stream of streams) stream.abort();
      streams.clear();
    },
  };
}

function readAsset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}
