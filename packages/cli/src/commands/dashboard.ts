import { createAwsClients, createLogger } from '@totes/runtime';
import { startPlatformDashboard } from '../dashboard';
import { CliError, CliErrorCode } from '../errors';
import { readPlatformFile } from '../ops/platform-file';
import { stateDirOf } from '../stack';
import { untilStopSignal } from '../stop-signal';

export interface DashboardCommandOptions {
  /** `--stage`: a stage on AWS (or AWS_ENDPOINT_URL) rather than the platform running on this machine. */
  stage: string | undefined;
  /** `--port`; TOTES_DASHBOARD_PORT or a free port otherwise. */
  port: number | undefined;
}

/**
 * `totes dashboard`: serves the dashboard alone, on 127.0.0.1, against the warehouse that env names
 * (TOTES_WAREHOUSE_URL) or that the platform running on this machine (`pnpm start`) uses, subscribed to that
 * platform's `load-complete` topic. Runs until Ctrl-C.
 */
export async function dashboard(options: DashboardCommandOptions): Promise<number> {
  const running = options.stage ? undefined : await readPlatformFile(stateDirOf());
  const warehouseUrl = process.env.TOTES_WAREHOUSE_URL || running?.warehouseUrl;
  if (!warehouseUrl)
    throw new CliError(
      CliErrorCode.notFound,
      'no warehouse to show: start the platform (npm start), or set TOTES_WAREHOUSE_URL',
    );
  if (!running && !options.stage && !process.env.AWS_ENDPOINT_URL && !process.env.TOTES_STAGE)
    throw new CliError(
      CliErrorCode.notFound,
      'no platform is running on this machine: start it with `npm start`, or pass --stage (or AWS_ENDPOINT_URL) to follow a stage',
    );
  const stage = options.stage ?? running?.stage ?? process.env.TOTES_STAGE ?? 'local';
  const region = running?.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const { sqs, sns, s3 } = createAwsClients({ region, endpoint: running?.awsEndpoint });
  s3.destroy();
  try {
    const served = await startPlatformDashboard({
      stage,
      warehouseUrl,
      sourceUrl: process.env.TOTES_SOURCE_URL || running?.sourceUrl,
      warehouseSchema: process.env.TOTES_WAREHOUSE_SCHEMA ?? 'public',
      stateSchema: process.env.TOTES_STATE_SCHEMA ?? 'totes',
      sqs,
      sns,
      ...(options.port ? { port: options.port } : {}),
      logger: createLogger({ service: 'dashboard' }),
    });
    process.stderr.write(`dashboard of stage ${stage}: ${served.url}  (Ctrl-C stops)\n`);
    await untilStopSignal();
    await served.stop();
    return 0;
  } finally {
    sqs.destroy();
    sns.destroy();
  }
}
