import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startPlatformDashboard } from '@totes/cli';
import { findLoadCompleteTopic } from '@totes/dashboard';
import { lineageNamespaces, loadConfig } from '@totes/runtime';
import { type CommitToScreen, chromiumPath, measureCommitToScreen } from './commit-to-screen';
import { openDashboardInvalidator } from './dashboard-invalidation';
import { type PageTimes, type QueryTimes, timePages, timeQueries } from './dashboard-server-times';

/** The bench's platform stage (platform-process.ts). */
const stage = 'bench';

/** The dashboard phase of one run. */
export interface DashboardResult {
  /** Requests per page (and per named query), cold and warm each. */
  readonly requests: number;
  readonly pages: readonly PageTimes[];
  readonly queries: readonly QueryTimes[];
  /** Null when Chromium is not installed: `note` says so. */
  readonly commitToScreen: CommitToScreen | null;
  readonly note: string;
}

/**
 * The dashboard phase, while the platform detects on its interval: the dashboard served in this process as
 * `pnpm start` serves it (its read-only role, its own queue on `load-complete`, a free port on 127.0.0.1); each
 * page timed cold and warm, each named query uncached; then commit-to-screen in Chromium.
 */
export async function measureDashboard(options: {
  sourceUrl: string;
  warehouseUrl: string;
  lakeDir: string;
  awsEndpoint: string;
  requests: number;
  changes: number;
  intervalMs: number;
  seed: number;
  changeTimeoutMs: number;
}): Promise<DashboardResult> {
  const client = {
    endpoint: options.awsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const sns = new SNSClient(client);
  const sqs = new SQSClient(client);
  const config = loadConfig(
    {},
    { sourceUrl: options.sourceUrl, warehouseUrl: options.warehouseUrl, lakeUrl: options.lakeDir, stage },
  );
  const topicArn = await findLoadCompleteTopic(sns, stage);
  const dashboard = await startPlatformDashboard({
    stage,
    warehouseUrl: options.warehouseUrl,
    sourceUrl: options.sourceUrl,
    warehouseSchema: config.warehouseSchema,
    stateSchema: config.stateSchema,
    sqs,
    sns,
    topicArn,
    port: 0,
  });
  try {
    const invalidator = await openDashboardInvalidator({
      dashboardUrl: dashboard.url,
      sns,
      topicArn,
      stage,
      namespaces: lineageNamespaces(config),
      timeoutMs: options.changeTimeoutMs,
    });
    let pages: PageTimes[];
    let queries: QueryTimes[];
    try {
      pages = await timePages(dashboard.url, invalidator, options.requests);
      queries = await timeQueries(dashboard.url, invalidator, options.requests);
    } finally {
      await invalidator.close();
    }
    // A page that cannot draw what the measure watches (a panel whose query passed the statement timeout) fails
    // the measure, not the server times before it.
    let failed: string | undefined;
    const commitToScreen =
      options.changes > 0
        ? await measureCommitToScreen({
            dashboardUrl: dashboard.url,
            sourceUrl: options.sourceUrl,
            changes: options.changes,
            intervalMs: options.intervalMs,
            seed: options.seed,
            changeTimeoutMs: options.changeTimeoutMs,
          }).catch((error: unknown) => {
            failed = error instanceof Error ? error.message.split('\n')[0] : String(error);
            return null;
          })
        : null;
    const note =
      options.changes === 0
        ? 'commit-to-screen not measured: no changes asked (--dashboard-changes 0)'
        : failed !== undefined
          ? `commit-to-screen failed: ${failed}`
          : commitToScreen
            ? ''
            : `commit-to-screen not measured: no Chromium at ${chromiumPath()} (install Debian's chromium, or set TOTES_CHROMIUM)`;
    return { requests: options.requests, pages, queries, commitToScreen, note };
  } finally {
    await dashboard.stop();
    sns.destroy();
    sqs.destroy();
  }
}
