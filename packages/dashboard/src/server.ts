import type { AddressInfo } from 'node:net';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { DashboardError, DashboardErrorCode } from './errors';
import { createHealthCache } from './health-cache';
import { createChangeFeed } from './live/change-feed';
import { changedKeys } from './live/event-keys';
import { type LoadEventSubscription, subscribeLoadEvents } from './live/load-events';
import { createPageRenderer } from './pages/pages';
import { createQueryCatalog } from './queries/catalog';
import type { Schemas } from './queries/definition';
import { createQueryRunner } from './query-runner';
import { type HealthSource, healthKey } from './types';
import { createReadOnlyPool } from './warehouse';

/** The only interface the dashboard listens on. */
export const dashboardHost = '127.0.0.1';

/** Where and how the dashboard runs. */
export interface DashboardOptions {
  /** The warehouse, as a read-only role ({@link ensureReadOnlyRole}); every session is read-only besides. */
  readonly warehouseUrl: string;
  readonly schemas: Schemas;
  /** `totes status`'s report and alerts, from the CLI. */
  readonly health: HealthSource;
  /** The `load-complete` topic to subscribe the dashboard's own queue to. */
  readonly events: { sns: SNSClient; sqs: SQSClient; topicArn: string; queueName: string };
  /** 0 (the default) for a free port. */
  readonly port?: number;
  readonly logger?: { warn(message: string, context?: Record<string, unknown>): void };
  /** How often, while a page is open, the health report is read for dead letters and alerts that no event announces. */
  readonly healthCheckMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  readonly url: string;
  readonly port: number;
  /** The aggregate cache's hits and misses. */
  cacheStats(): { hits: number; misses: number; entries: number };
  /** Unsubscribes, closes the live streams, the server and the pool. */
  stop(): Promise<void>;
}

/** The port of `TOTES_DASHBOARD_PORT`, or 0 (a free one) when it is unset. */
export function dashboardPort(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env.TOTES_DASHBOARD_PORT?.trim();
  if (!text) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new DashboardError(
      DashboardErrorCode.badPort,
      `TOTES_DASHBOARD_PORT must be a port number, got "${text}"`,
    );
  return port;
}

/**
 * Starts the dashboard on 127.0.0.1: subscribes its queue to `load-complete`, serves the pages, and on each
 * `model.loaded` forgets the cached aggregates of that model and tells open pages which panels to fetch again.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const pool = createReadOnlyPool(options.warehouseUrl);
  const catalog = createQueryCatalog(options.schemas);
  const runner = createQueryRunner(pool);
  const feed = createChangeFeed();
  // A health report whose alerts or dead letters moved since the last one makes the health panels stale.
  const health = createHealthCache(options.health, { onChange: () => changed([healthKey]) });
  const changed = (keys: readonly string[]) => {
    if (keys.length === 0) return;
    runner.invalidate(keys);
    if (keys.includes(healthKey)) health.invalidate();
    feed.publish(keys);
  };
  let subscription: LoadEventSubscription | undefined;
  let port = 0;
  const allowedHosts = () => [`${dashboardHost}:${port}`, `localhost:${port}`];
  const { app, closeStreams } = createApp({
    catalog,
    runner,
    feed,
    pages: createPageRenderer({ catalog, runner, health: health.read }),
    allowedHosts,
    onError: (error) => options.logger?.warn('dashboard request failed', { error: error.message }),
  });
  try {
    subscription = await subscribeLoadEvents({
      ...options.events,
      onEvent: (event) => changed(changedKeys(event)),
      onError: (error) => options.logger?.warn('dashboard: load-complete events', { error: error.message }),
    });
    const server = await listen(app.fetch, options.port ?? 0);
    port = (server.address() as AddressInfo).port;
    const watcher = watchHealth({ health, feed, everyMs: options.healthCheckMs ?? 5_000 });
    return {
      url: `http://${dashboardHost}:${port}/`,
      port,
      cacheStats: runner.stats,
      async stop() {
        watcher.stop();
        closeStreams();
        feed.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await subscription?.stop();
        await pool.end();
      },
    };
  } catch (error) {
    await subscription?.stop().catch(() => {});
    await pool.end().catch(() => {});
    throw error;
  }
}

type HttpServer = import('node:http').Server;

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: dashboardHost }, () => resolve(server as HttpServer));
    server.once('error', reject);
  });
}

/**
 * While a health page is open, reads the health report every `everyMs`: a message dead-lettered by a builder
 * publishes no event of its own, and the health cache announces the change it sees.
 */
function watchHealth(options: {
  health: ReturnType<typeof createHealthCache>;
  feed: ReturnType<typeof createChangeFeed>;
  everyMs: number;
}): { stop(): void } {
  let looking = false;
  const timer = setInterval(() => {
    if (looking || options.feed.listeners({ watchingHealth: true }) === 0) return;
    looking = true;
    options.health.invalidate();
    options.health
      .read()
      .catch(() => {})
      .finally(() => {
        looking = false;
      });
  }, options.everyMs);
  return { stop: () => clearInterval(timer) };
}
