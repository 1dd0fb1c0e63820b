import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type Dashboard,
  dashboardPort,
  ensureReadOnlyRole,
  findLoadCompleteTopic,
  type HealthSource,
  startDashboard,
} from '@totes/dashboard';
import { scopedName } from '@totes/model';
import type { Logger } from '@totes/runtime';
import { alertsOf, defaultStatusThresholds, readStatus } from './ops/status-report';

/** Where the dashboard of a platform reads from. */
export interface PlatformDashboardOptions {
  readonly stage: string;
  /** The warehouse as its owner: the dashboard makes its read-only role with it, when it may. */
  readonly warehouseUrl: string;
  readonly sourceUrl: string | undefined;
  readonly warehouseSchema: string;
  readonly stateSchema: string;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** The `load-complete` topic; found by its name in the stage when not given. */
  readonly topicArn?: string;
  /** The port; `TOTES_DASHBOARD_PORT`, or a free one, when not given. */
  readonly port?: number;
  readonly logger?: Logger;
}

/**
 * Starts the dashboard of a platform: a read-only role on the warehouse, its own queue on `load-complete`, and the
 * health page fed by `totes status`'s own `readStatus` and `alertsOf`, with `totes status`'s default thresholds.
 */
export async function startPlatformDashboard(options: PlatformDashboardOptions): Promise<Dashboard> {
  const access = await ensureReadOnlyRole(options.warehouseUrl, [
    options.warehouseSchema,
    options.stateSchema,
  ]);
  if (access.note) options.logger?.warn(access.note);
  const health: HealthSource = {
    read: async () => {
      const report = await readStatus({
        sqs: options.sqs,
        stage: options.stage,
        sourceUrl: options.sourceUrl,
        warehouseUrl: access.url,
        stateSchema: options.stateSchema,
      });
      return { ...report, alerts: alertsOf(report, defaultStatusThresholds) };
    },
  };
  return startDashboard({
    warehouseUrl: access.url,
    schemas: { warehouse: options.warehouseSchema, state: options.stateSchema },
    health,
    events: {
      sns: options.sns,
      sqs: options.sqs,
      topicArn: options.topicArn ?? (await findLoadCompleteTopic(options.sns, options.stage)),
      // One queue per dashboard process: two dashboards would otherwise share, and split, the events.
      queueName: scopedName(options.stage, `dashboard-${process.pid}`),
    },
    port: options.port ?? dashboardPort(),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
