// `pnpm dashboard:screenshots`: boots a platform on generated data (embedded Postgres, fauxqs, a temporary lake),
// loads it, serves the dashboard, and writes a 1280×800 PNG of each page into docs/dashboard/ with Debian's
// chromium. docs/dashboard.md shows them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PageName } from '@totes/dashboard';
import { startPlatformDashboard } from '../src/dashboard';
import { launchChromium } from './browser';
import { startTestPlatform } from './harness';

// As the `totes` command does: the SDK's notice about Node 22 says nothing about the screenshots.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const folder = join(import.meta.dirname, '..', '..', '..', 'docs', 'dashboard');
const scale = Number(process.env.TOTES_SCREENSHOT_SCALE ?? 0.25);

const t = await startTestPlatform({ scale });
const client = {
  endpoint: t.awsEndpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
};
const sqs = new SQSClient(client);
const sns = new SNSClient(client);
try {
  await t.runOnce();
  const dashboard = await startPlatformDashboard({
    stage: t.config.stage,
    warehouseUrl: t.config.warehouseUrl,
    sourceUrl: t.config.sourceUrl,
    warehouseSchema: t.config.warehouseSchema,
    stateSchema: t.config.stateSchema,
    sqs,
    sns,
    topicArn: t.platform.endpoints.topics['load-complete'],
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await mkdir(folder, { recursive: true });
    for (const name of Object.values(PageName)) {
      await page.goto(`${dashboard.url}${name}`);
      await page.waitForSelector('body[data-live="connected"]');
      const path = join(folder, `${name}.png`);
      await page.screenshot({ path });
      process.stderr.write(`wrote ${path}\n`);
    }
    // The lower half of the health page: the queues, the recent runs and the dependency graph.
    await page.evaluate('window.scrollTo(0, document.querySelector("#panel-health-queues").offsetTop - 16)');
    const below = join(folder, 'health-queues-runs-graph.png');
    await page.screenshot({ path: below });
    process.stderr.write(`wrote ${below}\n`);
  } finally {
    await browser.close();
    await dashboard.stop();
  }
} finally {
  sqs.destroy();
  sns.destroy();
  await t.dispose();
}
