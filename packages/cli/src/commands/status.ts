import { openOpsContext } from '../ops/context';
import { alertsOf, formatStatus, readStatus } from '../ops/status-report';

export interface StatusOptions {
  stage: string | undefined;
  json: boolean;
  maxLagSeconds: number;
  maxDeadLetters: number;
}

/**
 * `totes status`: lag per table, last load per model, queue depths; exit 1 past a threshold, to drive an alert. A part
 * that cannot be read (the queues, the warehouse, the source) is an alert beside the parts that can, so `--json`
 * always prints a document a monitoring script can parse.
 */
export async function status(options: StatusOptions): Promise<number> {
  const context = await openOpsContext({ stage: options.stage });
  try {
    const report = await readStatus({
      sqs: context.sqs,
      stage: context.stage,
      sourceUrl: process.env.TOTES_SOURCE_URL ?? context.running?.sourceUrl,
      warehouseUrl: process.env.TOTES_WAREHOUSE_URL ?? context.running?.warehouseUrl,
      stateSchema: process.env.TOTES_STATE_SCHEMA ?? 'totes',
    });
    const alerts = alertsOf(report, options);
    if (options.json) process.stdout.write(`${JSON.stringify({ ...report, alerts }, null, 2)}\n`);
    else {
      process.stdout.write(`${formatStatus(report)}\n`);
      for (const alert of alerts) process.stdout.write(`ALERT: ${alert}\n`);
    }
    return alerts.length > 0 ? 1 : 0;
  } finally {
    context.close();
  }
}
